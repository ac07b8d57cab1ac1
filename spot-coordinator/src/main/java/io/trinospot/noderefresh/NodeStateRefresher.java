package io.trinospot.noderefresh;

import com.google.common.base.Ticker;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import org.weakref.jmx.Managed;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * Refreshes node states every interval; a failing refresh is logged, never fatal.
 *
 * <p>Each tick starts a refresh that waits for every worker's answer. A worker that does not answer (its host gone
 * after a Spot reclaim, so connections time out; a stopped JVM) would hold that refresh for the node manager's
 * HTTP timeout, and with it every other worker's new state. So while a waiting refresh is still out, a tick
 * refreshes without waiting instead: Trino then applies the answers that have arrived and asks again the workers
 * whose last answer is over a second old, skipping the one still owed.
 *
 * <p>Ticks run on the given scheduler and the waiting refresh on the given executor, which must not run it on the
 * ticking thread, or a worker that does not answer holds the ticks too. The caller owns both and shuts them down
 * after {@link #close}.
 */
public final class NodeStateRefresher
        implements AutoCloseable
{
    /** One refresh of the coordinator's node states. */
    @FunctionalInterface
    public interface Refresh
    {
        /**
         * @param waitForAnswers ask every worker now and wait for the answers; otherwise apply what has arrived and
         * ask only the workers not asked within the last second, without waiting
         */
        void refresh(boolean waitForAnswers);
    }

    private static final Logger log = Logger.get(NodeStateRefresher.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Refresh refresh;
    private final Duration interval;
    private final ScheduledExecutorService ticks;
    private final Executor waiter;
    private final Ticker ticker;
    private final AtomicLong refreshesWithoutWaiting = new AtomicLong();
    // The ticking thread and the waiting one both count and log.
    private final RefreshOutcomes outcomes;

    // close() runs on another thread than the ticks: it must see the waiting refresh a tick has just started, and
    // no tick may start one after it.
    private final Object lock = new Object();
    private Future<?> waiting;
    private boolean closed;
    private ScheduledFuture<?> scheduled;

    // Touched only by ticks, which never overlap.
    private long waitingSinceNanos;
    private long lastStallLogNanos;

    public NodeStateRefresher(Refresh refresh, Duration interval, ScheduledExecutorService ticks, Executor waiter, Ticker ticker)
    {
        this.refresh = requireNonNull(refresh, "refresh is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.ticks = requireNonNull(ticks, "ticks is null");
        this.waiter = requireNonNull(waiter, "waiter is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        // the first failure and the first stall are logged at once
        long now = ticker.read();
        this.outcomes = new RefreshOutcomes(log, "Refreshing node states", ticker);
        this.lastStallLogNanos = now - LOG_INTERVAL_NANOS;
    }

    public NodeStateRefresher start()
    {
        long millis = interval.toMillis();
        synchronized (lock) {
            checkState(scheduled == null && !closed, "started already, or closed");
            scheduled = ticks.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void tick()
    {
        FutureTask<Void> started = null;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (waiting == null || waiting.isDone()) {
                started = new FutureTask<>(() -> run(true), null);
                waiting = started;
                waitingSinceNanos = ticker.read();
            }
        }
        if (started != null) {
            try {
                waiter.execute(started);
            }
            catch (RejectedExecutionException e) {
                // done, so the next tick starts another rather than refreshing without waiting for this one forever
                started.cancel(false);
                if (outcomes.logDue()) {
                    log.warn(e, "Cannot start a node-state refresh; trying again next tick");
                }
            }
            return;
        }
        long now = ticker.read();
        if (now - lastStallLogNanos >= LOG_INTERVAL_NANOS) {
            lastStallLogNanos = now;
            log.warn("A worker has not answered the node-state refresh for %s; refreshing without waiting for it meanwhile",
                    new Duration(now - waitingSinceNanos, TimeUnit.NANOSECONDS).convertToMostSuccinctTimeUnit());
        }
        refreshesWithoutWaiting.incrementAndGet();
        run(false);
    }

    private void run(boolean waitForAnswers)
    {
        try {
            refresh.refresh(waitForAnswers);
            outcomes.succeeded();
        }
        catch (RuntimeException e) {
            outcomes.failed(e);
        }
    }

    /** Refreshes that returned, waiting or not. */
    @Managed
    public long getRefreshes()
    {
        return outcomes.refreshes();
    }

    /** Ticks that found a waiting refresh still out and refreshed without waiting. */
    @Managed
    public long getRefreshesWithoutWaiting()
    {
        return refreshesWithoutWaiting.get();
    }

    @Managed
    public long getFailures()
    {
        return outcomes.failures();
    }

    /** Stops the ticks and interrupts a refresh under way; a waiting refresh not yet started never starts. */
    @Override
    public void close()
    {
        ScheduledFuture<?> scheduled;
        Future<?> waiting;
        synchronized (lock) {
            closed = true;
            scheduled = this.scheduled;
            waiting = this.waiting;
        }
        if (scheduled != null) {
            scheduled.cancel(true);
        }
        if (waiting != null) {
            waiting.cancel(true);
        }
    }
}
