package io.trinospot.noderefresh;

import io.airlift.log.Logger;
import io.airlift.units.Duration;
import org.weakref.jmx.Managed;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Refreshes node states every interval, on daemon threads; a failing refresh is logged, never fatal.
 *
 * <p>Each tick starts a refresh that waits for every worker's answer. A worker that does not answer (its host gone
 * after a Spot reclaim, so connections time out; a stopped JVM) would hold that refresh for the node manager's
 * HTTP timeout, and with it every other worker's new state. So while a waiting refresh is still out, a tick
 * refreshes without waiting instead: Trino then applies the answers that have arrived and asks again the workers
 * whose last answer is over a second old, skipping the one still owed.
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
    private final ScheduledExecutorService ticker;
    private final ExecutorService waiter;
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong refreshesWithoutWaiting = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    // The ticker and the waiter both log failures.
    private volatile long lastErrorLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;

    // Touched only by the ticker thread.
    private Future<?> waiting;
    private long waitingSinceNanos;
    private long lastStallLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;

    public NodeStateRefresher(Refresh refresh, Duration interval)
    {
        this.refresh = requireNonNull(refresh, "refresh is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "spot-node-refresh"));
        this.waiter = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "spot-node-refresh-wait"));
    }

    private static Thread daemon(Runnable runnable, String name)
    {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    public NodeStateRefresher start()
    {
        long millis = interval.toMillis();
        ticker.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick()
    {
        if (waiting == null || waiting.isDone()) {
            waitingSinceNanos = System.nanoTime();
            waiting = waiter.submit(() -> run(true));
            return;
        }
        long now = System.nanoTime();
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
            refreshes.incrementAndGet();
        }
        catch (RuntimeException e) {
            long count = failures.incrementAndGet();
            long now = System.nanoTime();
            // Trino's own 5 s poll goes on regardless; one line a minute is enough to notice
            if (now - lastErrorLogNanos >= LOG_INTERVAL_NANOS) {
                lastErrorLogNanos = now;
                log.warn(e, "Refreshing node states failed (%s failures so far); Trino's own poll still runs", count);
            }
        }
    }

    /** Refreshes that returned, waiting or not. */
    @Managed
    public long getRefreshes()
    {
        return refreshes.get();
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
        return failures.get();
    }

    @Override
    public void close()
    {
        ticker.shutdownNow();
        waiter.shutdownNow();
    }
}
