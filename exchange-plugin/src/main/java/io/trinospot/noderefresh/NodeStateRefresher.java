package io.trinospot.noderefresh;

import io.airlift.log.Logger;
import io.airlift.units.Duration;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/** Runs a node-state refresh at a fixed delay on one daemon thread; a failing refresh is logged, never fatal. */
public final class NodeStateRefresher
        implements AutoCloseable
{
    private static final Logger log = Logger.get(NodeStateRefresher.class);
    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Runnable refresh;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastErrorLogNanos = System.nanoTime() - ERROR_LOG_INTERVAL_NANOS;

    public NodeStateRefresher(Runnable refresh, Duration interval)
    {
        this.refresh = requireNonNull(refresh, "refresh is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spot-node-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    public NodeStateRefresher start()
    {
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::refreshOnce, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void refreshOnce()
    {
        try {
            refresh.run();
            refreshes.incrementAndGet();
        }
        catch (RuntimeException e) {
            long count = failures.incrementAndGet();
            long now = System.nanoTime();
            // Trino's own 5 s poll goes on regardless; one line a minute is enough to notice
            if (now - lastErrorLogNanos >= ERROR_LOG_INTERVAL_NANOS) {
                lastErrorLogNanos = now;
                log.warn(e, "Refreshing node states failed (%s failures so far); Trino's own poll still runs", count);
            }
        }
    }

    public long refreshes()
    {
        return refreshes.get();
    }

    public long failures()
    {
        return failures.get();
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
    }
}
