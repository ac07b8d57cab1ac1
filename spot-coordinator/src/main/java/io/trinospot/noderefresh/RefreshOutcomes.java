package io.trinospot.noderefresh;

import com.google.common.base.Ticker;
import io.airlift.log.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Counts a refresher's refreshes and failures and logs a failure at most once a minute: Trino's own poll goes on
 * regardless, so one line a minute is enough to notice. Safe to use from several threads.
 */
final class RefreshOutcomes
{
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final String what;
    private final Ticker ticker;
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastLogNanos;

    /** @param what the refresh in a log line, such as "Refreshing node states" */
    RefreshOutcomes(Logger log, String what, Ticker ticker)
    {
        this.log = requireNonNull(log, "log is null");
        this.what = requireNonNull(what, "what is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        // the first failure is logged at once
        this.lastLogNanos = new AtomicLong(ticker.read() - LOG_INTERVAL_NANOS);
    }

    void succeeded()
    {
        refreshes.incrementAndGet();
    }

    void failed(RuntimeException failure)
    {
        long count = failures.incrementAndGet();
        if (logDue()) {
            log.warn(failure, "%s failed (%s failures so far); Trino's own poll still runs", what, count);
        }
    }

    /** Whether a minute has passed since the last line this logged (or let another log); if so, the minute starts now. */
    boolean logDue()
    {
        long now = ticker.read();
        long last = lastLogNanos.get();
        return now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now);
    }

    long refreshes()
    {
        return refreshes.get();
    }

    long failures()
    {
        return failures.get();
    }
}
