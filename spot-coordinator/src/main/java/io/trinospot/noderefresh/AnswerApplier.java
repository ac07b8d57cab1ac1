package io.trinospot.noderefresh;

import com.google.common.base.Ticker;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import org.weakref.jmx.Managed;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * Every interval, rebuilds the coordinator's node list from the answers Trino's own poll has received, asking no
 * worker. Trino's poll sends its requests every 5 s but applies their answers only at its next round, so a new
 * state waits up to 5 s more after it has arrived; applying them in between shortens that to one interval at the
 * cost of no request at all. This is the safety net behind the agents' announcements: a lost announcement costs
 * Trino's poll plus one interval.
 */
public final class AnswerApplier
        implements AutoCloseable
{
    private final Runnable apply;
    private final Duration interval;
    private final ScheduledExecutorService ticks;
    private final RefreshOutcomes outcomes;
    private ScheduledFuture<?> scheduled;

    public AnswerApplier(Runnable apply, Duration interval, ScheduledExecutorService ticks, Ticker ticker)
    {
        this.apply = requireNonNull(apply, "apply is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.ticks = requireNonNull(ticks, "ticks is null");
        this.outcomes = new RefreshOutcomes(Logger.get(AnswerApplier.class), "Applying the workers' answers to the node list", ticker);
    }

    public synchronized AnswerApplier start()
    {
        checkState(scheduled == null, "started already");
        long millis = interval.toMillis();
        scheduled = ticks.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick()
    {
        try {
            apply.run();
            outcomes.succeeded();
        }
        catch (RuntimeException e) {
            outcomes.failed(e);
        }
    }

    /** Node-list rebuilds that returned. */
    @Managed
    public long getRefreshes()
    {
        return outcomes.refreshes();
    }

    @Managed
    public long getFailures()
    {
        return outcomes.failures();
    }

    @Override
    public synchronized void close()
    {
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }
}
