package io.trinospot.watcher.e2e;

import io.trinospot.harness.Lake;
import io.trinospot.harness.Queries;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.Waits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The issue 4 benchmark: many Spot notices against one long-lived cluster, the doomed worker replaced after each,
 * plus baseline kills without a notice. Runs only when asked:
 * {@code ./mvnw -pl spot-watcher verify -Dit.test=SpotNoticeBenchmarkIT -Dtrinospot.benchmark.notices=20}
 * (optional: {@code -Dtrinospot.benchmark.baselines=5}, {@code -Dtrinospot.benchmark.window=120}).
 * Writes a Markdown table to {@code target/spot-benchmark.md}.
 */
class SpotNoticeBenchmarkIT
{
    @Test
    void benchmark()
            throws IOException
    {
        int notices = Integer.getInteger("trinospot.benchmark.notices", 0);
        assumeTrue(notices > 0, "set -Dtrinospot.benchmark.notices=N to run the benchmark");
        int baselines = Integer.getInteger("trinospot.benchmark.baselines", 5);
        Duration window = Duration.ofSeconds(Integer.getInteger("trinospot.benchmark.window", 120));
        Duration idleWindow = Duration.ofSeconds(Integer.getInteger("trinospot.benchmark.idle-seconds", 60));

        try (TrinoCluster cluster = TrinoCluster.start(SpotScenario.clusterSpec())) {
            Lake.ensure(cluster, SpotScenario.Q39_SF1);
            String q39 = Queries.tpcdsQ39(SpotScenario.Q39_SF1.qualifiedLakeSchema());
            cluster.query(q39);
            QueryResult reference = cluster.query(q39);
            List<String> workers = cluster.workers().stream().map(TrinoNode::name).toList();
            try (SpotFleet fleet = SpotFleet.start(cluster, workers, SpotScenario.watcherSettings(Duration.ofMinutes(10)))) {
                String footprint = footprint(fleet, workers, idleWindow);
                System.out.println(footprint);
                SpotScenario scenario = new SpotScenario(cluster, fleet, q39, reference);
                List<SpotScenario.RoundResult> withWatcher = new ArrayList<>();
                List<SpotScenario.RoundResult> without = new ArrayList<>();
                for (int i = 0; i < notices; i++) {
                    String victim = workers.get(i % workers.size());
                    SpotScenario.RoundResult result = scenario.run(new SpotScenario.RoundSpec(victim, window, true, false));
                    System.out.println("notice " + (i + 1) + "/" + notices + ": " + result.summary());
                    withWatcher.add(result);
                    fleet.replaceWorker(victim, Duration.ofMinutes(3));
                }
                for (int i = 0; i < baselines; i++) {
                    String victim = workers.get(i % workers.size());
                    SpotScenario.RoundResult result = scenario.run(new SpotScenario.RoundSpec(victim, window, false, true));
                    System.out.println("baseline " + (i + 1) + "/" + baselines + ": " + result.summary());
                    without.add(result);
                    fleet.replaceWorker(victim, Duration.ofMinutes(3));
                }
                String report = report(reference, window, withWatcher, without, footprint);
                System.out.println(report);
                Path out = Path.of("target", "spot-benchmark.md");
                Files.createDirectories(out.getParent());
                Files.writeString(out, report);
            }
        }
    }

    private static String footprint(SpotFleet fleet, List<String> workers, Duration idle)
    {
        long ticksPerSecond = 100; // USER_HZ on Linux
        List<Long> before = workers.stream().map(worker -> SpotFleet.cpuTicks(fleet.watcher(worker).pid()).orElse(0L)).toList();
        Waits.sleep(idle);
        StringBuilder text = new StringBuilder("Agent footprint, idle for " + idle.toSeconds() + " s (polling IMDS every 1 s):\n");
        for (int i = 0; i < workers.size(); i++) {
            long pid = fleet.watcher(workers.get(i)).pid();
            long ticks = SpotFleet.cpuTicks(pid).orElse(0L) - before.get(i);
            double cpuPercent = 100.0 * ticks / ticksPerSecond / idle.toSeconds();
            text.append("- %s: RSS %.1f MiB, CPU %.2f %%%n".formatted(workers.get(i) + "-watcher",
                    SpotFleet.rssKib(pid).orElse(0L) / 1024.0, cpuPercent));
        }
        return text.toString();
    }

    private static String report(QueryResult reference, Duration window, List<SpotScenario.RoundResult> with, List<SpotScenario.RoundResult> without, String footprint)
    {
        StringBuilder text = new StringBuilder();
        text.append("| measure | with watcher (%d notices) | without watcher (%d kills) |%n".formatted(with.size(), without.size()));
        text.append("|---|---|---|\n");
        row(text, "notice → worker SHUTTING_DOWN, p50 / p99 / max", stats(with, SpotScenario.RoundResult::workerShutdownLatency), "never");
        row(text, "notice → coordinator shows shutting_down, p50 / p99 / max", stats(with, SpotScenario.RoundResult::coordinatorShutdownLatency), "never");
        row(text, "doomed tasks per round (mean; total not rescheduled)",
                "%.1f; %d".formatted(with.stream().mapToInt(SpotScenario.RoundResult::doomedTasks).average().orElse(0), with.stream().mapToInt(SpotScenario.RoundResult::notRescheduled).sum()),
                "%.1f; %d".formatted(without.stream().mapToInt(SpotScenario.RoundResult::doomedTasks).average().orElse(0), without.stream().mapToInt(SpotScenario.RoundResult::notRescheduled).sum()));
        row(text, "notice → last doomed task rescheduled, p50 / p99 / max", stats(with, SpotScenario.RoundResult::lastRescheduleLatency),
                "kill → last rescheduled: " + stats(without, result -> result.lastRescheduleLatency().map(latency -> latency.minus(window))));
        row(text, "tasks started on the worker after it showed shutting_down", String.valueOf(with.stream().mapToInt(result -> result.startedAfterShutdownVisible().size()).sum()), "-");
        row(text, "task-seconds thrown away per round (mean / total)", thrown(with), thrown(without));
        row(text, "q39 wall, run hit by the notice (with) / by the kill (without), p50 / max",
                stats(with, SpotScenario.RoundResult::queryAtNoticeWall), stats(without, SpotScenario.RoundResult::queryAtKillWall));
        row(text, "q39 wall, run in flight when the worker disappeared, p50 / max", stats(with, SpotScenario.RoundResult::queryAtKillWall), stats(without, SpotScenario.RoundResult::queryAtKillWall));
        row(text, "worker had exited on its own before its time", "%d of %d".formatted(with.stream().filter(SpotScenario.RoundResult::victimExitedBeforeKill).count(), with.size()), "-");
        row(text, "q39 runs / failed / rows differing", "%d / %d / 0".formatted(with.stream().mapToInt(SpotScenario.RoundResult::queries).sum(), with.stream().mapToInt(SpotScenario.RoundResult::queryFailures).sum()),
                "%d / %d / 0".formatted(without.stream().mapToInt(SpotScenario.RoundResult::queries).sum(), without.stream().mapToInt(SpotScenario.RoundResult::queryFailures).sum()));
        text.append("\nq39 fault-free on 3 workers: ").append(reference.wallTime().toMillis()).append(" ms. Notice window ").append(window.toSeconds()).append(" s.\n\n");
        text.append(footprint);
        return text.toString();
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
        List<Long> values = results.stream().map(metric).flatMap(Optional::stream).map(Duration::toMillis).sorted().toList();
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
