package io.trinospot.watcher.monitor;

import io.trinospot.watcher.FatalErrors;
import io.trinospot.watcher.imds.ImdsException;
import io.trinospot.watcher.status.WatcherMetrics;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Polls one monitor on its own thread until closed. Nothing a poll throws ends the loop; after errors it
 * backs off (doubling from the poll interval up to a cap) so a sick IMDS is not hammered, and returns to
 * the normal interval on the first good answer.
 */
public final class MonitorLoop
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(MonitorLoop.class.getName());

    private final NoticeMonitor monitor;
    private final Consumer<InterruptionEvent> sink;
    private final Duration pollInterval;
    private final Duration maxBackoff;
    private final InstantSource clock;
    private final WatcherMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int consecutiveErrors;

    public MonitorLoop(NoticeMonitor monitor, Consumer<InterruptionEvent> sink, Duration pollInterval, Duration maxBackoff, InstantSource clock,
            WatcherMetrics metrics)
    {
        this(monitor, sink, pollInterval, maxBackoff, clock, metrics, FatalErrors.halting());
    }

    /**
     * @param fatal gets what ends the loop's thread (an {@code Error}: everything else is caught and logged)
     */
    public MonitorLoop(NoticeMonitor monitor, Consumer<InterruptionEvent> sink, Duration pollInterval, Duration maxBackoff, InstantSource clock,
            WatcherMetrics metrics, Thread.UncaughtExceptionHandler fatal)
    {
        this.monitor = requireNonNull(monitor, "monitor is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        // A virtual thread: its IMDS requests then run on it (see PlainHttp), not on a thread started for each one.
        this.thread = Thread.ofVirtual().name("monitor-" + monitor.name()).uncaughtExceptionHandler(requireNonNull(fatal, "fatal is null")).unstarted(this::run);
    }

    public MonitorLoop start()
    {
        thread.start();
        return this;
    }

    public String name()
    {
        return monitor.name();
    }

    public boolean isAlive()
    {
        return thread.isAlive();
    }

    private void run()
    {
        while (running) {
            pollOnce();
            try {
                Thread.sleep(nextDelay(consecutiveErrors));
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    void pollOnce()
    {
        List<InterruptionEvent> events;
        try {
            events = monitor.poll();
        }
        catch (ImdsException e) {
            recordError(e.kind().name(), e.getMessage(), null);
            return;
        }
        catch (RuntimeException e) {
            // A bug must not stop the watch: log it loudly and keep polling.
            recordError("internal", e.toString(), e);
            return;
        }
        if (consecutiveErrors > 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: IMDS answers again after {1} failed polls", monitor.name(), consecutiveErrors);
        }
        consecutiveErrors = 0;
        metrics.pollSucceeded(monitor.name(), clock.instant());
        for (InterruptionEvent event : events) {
            LOG.log(System.Logger.Level.INFO, "{0}: new notice {1}", monitor.name(), event);
            metrics.noticeSeen(event.kind());
            try {
                sink.accept(event);
            }
            catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, monitor.name() + ": handler failed for " + event, e);
            }
        }
    }

    private void recordError(String kind, String message, Throwable stack)
    {
        if (!running) {
            // The request was cut short by close().
            return;
        }
        int errors = ++consecutiveErrors;
        metrics.imdsError(monitor.name(), kind, message);
        // The first failure and then every 30th, so an IMDS outage does not flood the log.
        if (errors == 1 || errors % 30 == 0) {
            LOG.log(System.Logger.Level.WARNING, monitor.name() + ": poll failed (" + errors + " in a row, next in "
                    + nextDelay(errors).toMillis() + " ms): " + message, stack);
        }
    }

    Duration nextDelay(int errors)
    {
        if (errors == 0) {
            return pollInterval;
        }
        Duration delay = pollInterval.multipliedBy(1L << Math.min(errors - 1, 16));
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
