package io.trinospot.it;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.Lake;
import io.trinospot.harness.Queries;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.Waits;
import io.trinospot.watcher.config.WatcherSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spot notice benchmark: many Spot notices against one long-lived cluster, the doomed worker replaced after each,
 * plus baseline kills without a notice. Runs only when asked:
 * {@code ./mvnw -pl integration-tests verify -Dit.test=SpotNoticeBenchmarkIT -Dtrinospot.benchmark.notices=20}
 * (optional: {@code -Dtrinospot.benchmark.baselines=5}, {@code -Dtrinospot.benchmark.window=120},
 * {@code -Dtrinospot.benchmark.query=long|q39}, default long: {@link SpotScenario#longTaskQuery};
 * {@code -Dtrinospot.benchmark.error-codes=REMOTE_HOST_GONE,ADMINISTRATIVELY_PREEMPTED} to compare the agent's
 * {@code watcher.drain.error-code} values in the same run, notices taking them in turn after the windows;
 * {@code -Dtrinospot.benchmark.worker-properties=task.info.max-age=1m} for Trino settings of every worker, {@code ;} between
 * them, and {@code |} between arms: {@code task.info.max-age=5m|task.info.max-age=2m} runs the benchmark on one cluster
 * each, one after the other).
 * Writes a Markdown table to {@code target/spot-benchmark.md}.
 */
class SpotNoticeBenchmarkIT
{
    // The scan task must outlast a 120 s window's cutoff as well as a 30 s one's.
    private static final int HASH_ROUNDS = 16;
    @Test
    void benchmark()
            throws IOException
    {
        int notices = Integer.getInteger("trinospot.benchmark.notices", 0);
        assumeTrue(notices > 0, "set -Dtrinospot.benchmark.notices=N to run the benchmark");
        int baselines = Integer.getInteger("trinospot.benchmark.baselines", 5);
        // One or more notice windows in seconds ("30,120"): notices alternate over them.
        List<Duration> windows = Arrays.stream(System.getProperty("trinospot.benchmark.window", "120").split(","))
                .map(String::trim).map(Long::parseLong).map(Duration::ofSeconds).toList();
        // Error codes the agent fails tasks with; more than one: notices alternate over every window and code.
        List<String> errorCodes = Arrays.stream(System.getProperty("trinospot.benchmark.error-codes", "").split(","))
                .map(String::trim).filter(code -> !code.isEmpty()).toList();
        Duration idleWindow = Duration.ofSeconds(Integer.getInteger("trinospot.benchmark.idle-seconds", 60));
        // "long": the long-task query (a scan task of tens of seconds, which the watcher must fail early), the victim
        // being the worker that runs it; "q39": TPC-DS q39 (every task under 2 s), victims rotating over the workers.
        String workload = System.getProperty("trinospot.benchmark.query", "long");
        boolean longTasks = switch (workload) {
            case "long" -> true;
            case "q39" -> false;
            default -> throw new IllegalArgumentException("trinospot.benchmark.query must be long or q39: " + workload);
        };

        List<String> arms = Arrays.stream(System.getProperty("trinospot.benchmark.worker-properties", "").split("\\|")).map(String::trim).toList();
        Path out = Path.of("target", "spot-benchmark.md");
        Files.createDirectories(out.getParent());
        StringBuilder armsDone = new StringBuilder();
        for (String arm : arms) {
            String heading = arm.isEmpty() ? "" : "## Workers with " + arm + "\n\n";
            String before = armsDone + heading;
            armsDone.append(heading).append(runArm(arm, notices, baselines, windows, errorCodes, idleWindow, workload, longTasks, before, out)).append('\n');
        }
        System.out.println(Files.readString(out));
    }

    /** One cluster whose workers have {@code workerProperties}; writes what is done so far after {@code before} to {@code out}, returns its report. */
    private static String runArm(String workerProperties, int notices, int baselines, List<Duration> windows, List<String> errorCodes, Duration idleWindow, String workload,
            boolean longTasks, String before, Path out)
            throws IOException
    {
        ClusterSpec.Builder spec = SpotScenario.clusterSpec(ExchangeKind.LOCAL).coordinatorJmx(true);
        Arrays.stream(workerProperties.split(";"))
                .map(String::trim)
                .filter(property -> !property.isEmpty())
                .forEach(property -> {
                    int equals = property.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("trinospot.benchmark.worker-properties: expected key=value, got '" + property + "'");
                    }
                    spec.workerProperty(property.substring(0, equals).trim(), property.substring(equals + 1).trim());
                });
        try (TrinoCluster cluster = TrinoCluster.start(spec.build())) {
            Lake.ensure(cluster, SpotScenario.Q39_SF1);
            String sql = longTasks
                    ? SpotScenario.longTaskQuery(SpotScenario.Q39_SF1.qualifiedLakeSchema(), HASH_ROUNDS)
                    : Queries.tpcdsQ39(SpotScenario.Q39_SF1.qualifiedLakeSchema());
            cluster.query(sql);
            QueryResult reference = cluster.query(sql);
            List<String> workers = cluster.workers().stream().map(TrinoNode::name).toList();
            try (SpotFleet fleet = SpotFleet.start(cluster, workers, SpotScenario.watcherSettings(Duration.ofMinutes(10)))) {
                String footprint = footprint(fleet, workers, idleWindow);
                System.out.println(footprint);
                SpotScenario scenario = new SpotScenario(cluster, fleet, sql, reference);
                // Notices take the windows in turn, and the error codes after each pass over the windows.
                List<NoticeKind> kinds = new ArrayList<>();
                for (String code : errorCodes.isEmpty() ? List.<String>of("") : errorCodes) {
                    windows.forEach(window -> kinds.add(new NoticeKind(window, code)));
                }
                Map<NoticeKind, List<SpotScenario.RoundResult>> withWatcher = new LinkedHashMap<>();
                kinds.forEach(kind -> withWatcher.put(kind, new ArrayList<>()));
                String agentCode = "";
                List<SpotScenario.RoundResult> without = new ArrayList<>();
                // What the victim's agent logged about each notice's drain.
                Map<SpotScenario.RoundResult, DrainLog> drains = new HashMap<>();
                // Baselines are spread among the notices, so a run stopped early still has some of each.
                int noticesPerBaseline = baselines == 0 ? Integer.MAX_VALUE : Math.max(1, (notices + baselines - 1) / baselines);
                int noticesDone = 0;
                int baselinesDone = 0;
                String report = "";
                while (noticesDone < notices || baselinesDone < baselines) {
                    boolean baseline = baselinesDone < baselines && (noticesDone >= notices || (noticesDone > 0 && noticesDone >= (baselinesDone + 1) * noticesPerBaseline));
                    int round = noticesDone + baselinesDone;
                    String victim = longTasks ? SpotScenario.BUSIEST_WORKER : workers.get(round % workers.size());
                    Instant started = Instant.now();
                    if (baseline) {
                        SpotScenario.RoundResult result = scenario.run(new SpotScenario.RoundSpec(victim, windows.getFirst(), false, true));
                        baselinesDone++;
                        System.out.println("baseline " + baselinesDone + "/" + baselines + ": " + result.summary());
                        without.add(result);
                        fleet.replaceWorker(result.spec().victim(), Duration.ofMinutes(3));
                    }
                    else {
                        NoticeKind kind = kinds.get(noticesDone % kinds.size());
                        if (!kind.errorCode().equals(agentCode)) {
                            fleet.restartWatchers(Map.of(WatcherSettings.DRAIN_ERROR_CODE, kind.errorCode()));
                            agentCode = kind.errorCode();
                        }
                        SpotScenario.RoundResult result = scenario.run(new SpotScenario.RoundSpec(victim, kind.window(), true, false));
                        noticesDone++;
                        System.out.println("notice " + noticesDone + "/" + notices + " (" + kind.label() + "): " + result.summary()
                                + "; failed early by the watcher " + fleet.metric(result.spec().victim(), "trinospot_watcher_tasks_failed_early_total"));
                        withWatcher.get(kind).add(result);
                        drains.put(result, DrainLog.read(cluster.node(result.spec().victim()).nodeDir().resolve("var/log/spot-watcher.log"), result.notice()));
                        fleet.replaceWorker(result.spec().victim(), Duration.ofMinutes(3));
                    }
                    System.out.printf("round %d took %d s; load average %s%n", round + 1, Duration.between(started, Instant.now()).toSeconds(), loadAverage());
                    // Written after every round: a run stopped early still leaves its figures.
                    report = report(workload, reference, withWatcher, drains, without, footprint)
                            + (noticesDone < notices || baselinesDone < baselines ? "\n(partial: " + noticesDone + " of " + notices + " notices, " + baselinesDone + " of " + baselines + " baselines)\n" : "");
                    Files.writeString(out, before + report);
                }
                return report;
            }
        }
    }

    private static String loadAverage()
    {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        }
        catch (IOException e) {
            return "?";
        }
    }

    private static String footprint(SpotFleet fleet, List<String> workers, Duration idle)
    {
        long ticksPerSecond = 100; // USER_HZ on Linux
        List<Long> before = workers.stream().map(worker -> SpotFleet.cpuTicks(fleet.watcher(worker).pid()).orElse(0L)).toList();
        Waits.sleep(idle);
        StringBuilder text = new StringBuilder("Agent footprint, idle for " + idle.toSeconds() + " s (the agent's default IMDS polls):\n");
        for (int i = 0; i < workers.size(); i++) {
            long pid = fleet.watcher(workers.get(i)).pid();
            long ticks = SpotFleet.cpuTicks(pid).orElse(0L) - before.get(i);
            double cpuPercent = 100.0 * ticks / ticksPerSecond / idle.toSeconds();
            text.append("- %s: RSS %.1f MiB, CPU %.2f %%%n".formatted(workers.get(i) + "-watcher",
                    SpotFleet.rssKib(pid).orElse(0L) / 1024.0, cpuPercent));
        }
        return text.toString();
    }

    private record NoticeKind(Duration window, String errorCode)
    {
        String label()
        {
            return "window " + window.toSeconds() + " s" + (errorCode.isEmpty() ? "" : ", error code " + errorCode);
        }
    }

    private static String report(String workload, QueryResult reference, Map<NoticeKind, List<SpotScenario.RoundResult>> withByKind, Map<SpotScenario.RoundResult, DrainLog> drains,
            List<SpotScenario.RoundResult> without, String footprint)
    {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<NoticeKind, List<SpotScenario.RoundResult>> entry : withByKind.entrySet()) {
            text.append("Notice ").append(entry.getKey().label()).append(":\n\n");
            table(text, entry.getValue(), drains, without);
            text.append('\n');
        }
        text.append("Workload ").append(workload).append(", fault-free on 3 workers: ").append(reference.wallTime().toMillis()).append(" ms. Load average at the end: ").append(loadAverage()).append(".\n\n");
        text.append(footprint);
        return text.toString();
    }

    private static void table(StringBuilder text, List<SpotScenario.RoundResult> with, Map<SpotScenario.RoundResult, DrainLog> drains, List<SpotScenario.RoundResult> without)
    {
        List<DrainLog> drainsWith = with.stream().map(result -> drains.getOrDefault(result, DrainLog.NOTHING_LOGGED)).toList();
        text.append("| measure | with watcher (%d notices) | without watcher (%d kills) |%n".formatted(with.size(), without.size()));
        text.append("|---|---|---|\n");
        row(text, "notice → worker SHUTTING_DOWN, p50 / p99 / max", stats(with, SpotScenario.RoundResult::workerShutdownLatency), "never");
        row(text, "notice → coordinator shows shutting_down, p50 / p99 / max", stats(with, SpotScenario.RoundResult::coordinatorShutdownLatency), "never");
        row(text, "notice → coordinator's node manager lists it (JMX), p50 / p99 / max", stats(with, SpotScenario.RoundResult::schedulerShutdownLatency), "never");
        row(text, "doomed tasks per round (mean; total not rescheduled)",
                "%.1f; %d".formatted(with.stream().mapToInt(SpotScenario.RoundResult::doomedTasks).average().orElse(0), with.stream().mapToInt(SpotScenario.RoundResult::notRescheduled).sum()),
                "%.1f; %d".formatted(without.stream().mapToInt(SpotScenario.RoundResult::doomedTasks).average().orElse(0), without.stream().mapToInt(SpotScenario.RoundResult::notRescheduled).sum()));
        row(text, "notice → last doomed task rescheduled, p50 / p99 / max", stats(with, SpotScenario.RoundResult::lastRescheduleLatency),
                "kill → last rescheduled: " + stats(without, result -> result.lastRescheduleLatency().map(latency -> latency.minus(Duration.between(result.notice(), result.kill())))));
        // The watcher's own part: failed tasks wait for the coordinator to list the worker as shut down (it does so on
        // its own poll, up to 10 s after the change), then the retry follows after retry-initial-delay.
        row(text, "coordinator shows shutting_down → last doomed task rescheduled, p50 / p99 / max",
                stats(with, result -> result.lastRescheduleLatency().flatMap(rescheduled -> result.coordinatorShutdownLatency().map(rescheduled::minus))), "-");
        // Where the agent's part of it went (its log): the first full task list, then the first task failed.
        row(text, "notice → the agent's first full task list in hand, p50 / p99 / max", durations(drainsWith.stream().map(DrainLog::listInHand).toList()), "-");
        row(text, "that list: the request, p50 / max; tasks in it, min–max", listFigures(drainsWith), "-");
        row(text, "notice → the agent failed its first task, p50 / p99 / max", durations(drainsWith.stream().map(DrainLog::firstFailed).toList()), "-");
        row(text, "tasks started on the worker after it showed shutting_down", String.valueOf(with.stream().mapToInt(result -> result.startedAfterShutdownVisible().size()).sum()), "-");
        row(text, "task-seconds thrown away per round (mean / total)", thrown(with), thrown(without));
        row(text, "failed on the victim before deadline − safety margin (total)", String.valueOf(with.stream().mapToInt(SpotScenario.RoundResult::failedOnVictimBeforeCutoff).sum()), "-");
        row(text, "query wall, run hit by the notice (with) / by the kill (without), p50 / max",
                stats(with, SpotScenario.RoundResult::queryAtNoticeWall), stats(without, SpotScenario.RoundResult::queryAtKillWall));
        row(text, "query wall, run in flight when the worker disappeared, p50 / max", stats(with, SpotScenario.RoundResult::queryAtKillWall), stats(without, SpotScenario.RoundResult::queryAtKillWall));
        row(text, "worker had exited on its own before its time", "%d of %d".formatted(with.stream().filter(SpotScenario.RoundResult::victimExitedBeforeKill).count(), with.size()), "-");
        row(text, "query runs / failed / rows differing", "%d / %d / 0".formatted(with.stream().mapToInt(SpotScenario.RoundResult::queries).sum(), with.stream().mapToInt(SpotScenario.RoundResult::queryFailures).sum()),
                "%d / %d / 0".formatted(without.stream().mapToInt(SpotScenario.RoundResult::queries).sum(), without.stream().mapToInt(SpotScenario.RoundResult::queryFailures).sum()));
    }

    private static void row(StringBuilder text, String name, String with, String without)
    {
        text.append("| ").append(name).append(" | ").append(with).append(" | ").append(without).append(" |\n");
    }

    private static String thrown(List<SpotScenario.RoundResult> results)
    {
        double total = results.stream().mapToDouble(SpotScenario.RoundResult::thrownAwaySeconds).sum();
        return "%.1f / %.1f".formatted(results.isEmpty() ? 0 : total / results.size(), total);
    }

    private static String stats(List<SpotScenario.RoundResult> results, Function<SpotScenario.RoundResult, Optional<Duration>> metric)
    {
        return durations(results.stream().map(metric).toList());
    }

    private static String listFigures(List<DrainLog> drains)
    {
        List<Long> requests = drains.stream().flatMapToLong(drain -> drain.listRequestMillis().stream()).sorted().boxed().toList();
        List<Integer> tasks = drains.stream().flatMapToInt(drain -> drain.tasksListed().stream()).sorted().boxed().toList();
        if (requests.isEmpty()) {
            return "-";
        }
        return "%d / %d ms; %d–%d".formatted(percentile(requests, 50), requests.getLast(), tasks.getFirst(), tasks.getLast());
    }

    private static String durations(List<Optional<Duration>> measured)
    {
        List<Long> values = measured.stream().flatMap(Optional::stream).map(Duration::toMillis).sorted().toList();
        if (values.isEmpty()) {
            return "-";
        }
        return "%d / %d / %d ms (n=%d)".formatted(percentile(values, 50), percentile(values, 99), values.getLast(), values.size());
    }

    // Nearest rank: with 20 values p99 is the largest.
    static long percentile(List<Long> sorted, int percent)
    {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
