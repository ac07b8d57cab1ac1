package io.trinospot.watcher.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The watcher's counters, rendered in the Prometheus text format. Hand-written to keep the agent's
 * footprint small; there are only a handful of series.
 */
public final class WatcherMetrics
{
    // Seconds; fine around the 1.5 s goal for notice-to-state-change.
    private static final double[] LATENCY_BUCKETS = {0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0};

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final long[] latencyBucketCounts = new long[LATENCY_BUCKETS.length];
    private long latencyCount;
    private double latencySum;
    private final Map<String, Instant> lastSuccessfulPolls = new ConcurrentHashMap<>();
    private final Map<String, String> lastImdsErrors = new ConcurrentHashMap<>();
    private final AtomicReference<Optional<Duration>> lastCoordinatorSawShutdown = new AtomicReference<>(Optional.empty());

    public void noticeSeen(String kind)
    {
        increment("trinospot_watcher_notices_seen_total", "kind", kind);
    }

    public void stateChanged(String state)
    {
        increment("trinospot_watcher_state_changes_total", "state", state);
    }

    public void stateChangeFailed(String state)
    {
        increment("trinospot_watcher_state_change_failures_total", "state", state);
    }

    public void taskLetFinish()
    {
        increment("trinospot_watcher_tasks_let_finish_total");
    }

    public void taskFailedEarly()
    {
        increment("trinospot_watcher_tasks_failed_early_total");
    }

    public void taskEndedBeforeFail()
    {
        increment("trinospot_watcher_tasks_ended_before_fail_total");
    }

    public void taskFailedAtDeadline()
    {
        increment("trinospot_watcher_tasks_failed_at_deadline_total");
    }

    /**
     * @param message what went wrong, for the health report (never a token)
     */
    public void imdsError(String monitor, String kind, String message)
    {
        increment("trinospot_watcher_imds_errors_total", "monitor", monitor, "kind", kind.toLowerCase(Locale.ROOT));
        lastImdsErrors.put(monitor, message);
    }

    public void workerExited()
    {
        increment("trinospot_watcher_worker_exited_total");
    }

    public void trinoError(String operation)
    {
        increment("trinospot_watcher_trino_errors_total", "operation", operation);
    }

    public void pollSucceeded(String monitor, Instant at)
    {
        increment("trinospot_watcher_polls_total", "monitor", monitor);
        lastSuccessfulPolls.put(monitor, at);
    }

    public synchronized void noticeToStateChange(Duration latency)
    {
        double seconds = latency.toNanos() / 1e9;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            if (seconds <= LATENCY_BUCKETS[i]) {
                latencyBucketCounts[i]++;
            }
        }
        latencyCount++;
        latencySum += seconds;
    }

    /** The latest successful poll of any monitor. */
    public Optional<Instant> lastSuccessfulPoll()
    {
        return lastSuccessfulPolls.values().stream().max(Instant::compareTo);
    }

    public Optional<Instant> lastSuccessfulPoll(String monitor)
    {
        return Optional.ofNullable(lastSuccessfulPolls.get(monitor));
    }

    /** The message of the monitor's latest failed poll, whether or not polls have succeeded since. */
    public Optional<String> lastImdsError(String monitor)
    {
        return Optional.ofNullable(lastImdsErrors.get(monitor));
    }

    /** The coordinator listed the worker as no longer active this long after the worker took SHUTTING_DOWN. */
    public void coordinatorSawShutdown(Duration afterStateChange)
    {
        increment("trinospot_watcher_coordinator_saw_shutdown_total");
        lastCoordinatorSawShutdown.set(Optional.of(afterStateChange));
    }

    public Optional<Duration> lastCoordinatorSawShutdown()
    {
        return lastCoordinatorSawShutdown.get();
    }

    public long counter(String name, String... labels)
    {
        LongAdder adder = counters.get(key(name, labels));
        return adder == null ? 0 : adder.sum();
    }

    private void increment(String name, String... labels)
    {
        counters.computeIfAbsent(key(name, labels), _ -> new LongAdder()).increment();
    }

    private static String key(String name, String... labels)
    {
        if (labels.length == 0) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                key.append(',');
            }
            key.append(labels[i]).append("=\"").append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return key.append('}').toString();
    }

    public synchronized String render()
    {
        StringBuilder out = new StringBuilder();
        Map<String, Map<String, Long>> families = new TreeMap<>();
        // Counters that have not moved yet still appear, so dashboards see zeros rather than gaps.
        for (String name : new String[] {"trinospot_watcher_tasks_let_finish_total", "trinospot_watcher_tasks_failed_early_total",
                "trinospot_watcher_tasks_failed_at_deadline_total", "trinospot_watcher_tasks_ended_before_fail_total"}) {
            families.computeIfAbsent(name, _ -> new TreeMap<>()).put(name, 0L);
        }
        counters.forEach((key, adder) -> {
            int brace = key.indexOf('{');
            String family = brace < 0 ? key : key.substring(0, brace);
            families.computeIfAbsent(family, _ -> new TreeMap<>()).put(key, adder.sum());
        });
        families.forEach((family, series) -> {
            out.append("# TYPE ").append(family).append(" counter\n");
            series.forEach((key, value) -> out.append(key).append(' ').append(value).append('\n'));
        });
        lastCoordinatorSawShutdown.get().ifPresent(latency -> {
            String gauge = "trinospot_watcher_coordinator_saw_shutdown_seconds";
            out.append("# HELP ").append(gauge).append(" Last drain: from the worker taking SHUTTING_DOWN to the coordinator listing it so.\n");
            out.append("# TYPE ").append(gauge).append(" gauge\n");
            out.append(gauge).append(' ').append(latency.toNanos() / 1e9).append('\n');
        });
        String histogram = "trinospot_watcher_notice_to_state_change_seconds";
        out.append("# HELP ").append(histogram).append(" From first seeing a notice to the worker accepting the new state.\n");
        out.append("# TYPE ").append(histogram).append(" histogram\n");
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            out.append(histogram).append("_bucket{le=\"").append(LATENCY_BUCKETS[i]).append("\"} ").append(latencyBucketCounts[i]).append('\n');
        }
        out.append(histogram).append("_bucket{le=\"+Inf\"} ").append(latencyCount).append('\n');
        out.append(histogram).append("_sum ").append(latencySum).append('\n');
        out.append(histogram).append("_count ").append(latencyCount).append('\n');
        return out.toString();
    }
}
