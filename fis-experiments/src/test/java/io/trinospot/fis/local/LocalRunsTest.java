package io.trinospot.fis.local;

import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.NodeState;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the local runs decide and print, apart from the cluster they start. */
class LocalRunsTest
{
    private final List<String> lines = new ArrayList<>();
    private final LocalRuns runs = new LocalRuns(lines::add);

    @Test
    void chaosSaysWhichRunOfHowManyAsItGoes()
            throws Exception
    {
        List<LocalRuns.ChaosRun> series = List.of(
                new LocalRuns.ChaosRun(1, "one-random-spot-worker", 11),
                new LocalRuns.ChaosRun(2, "staggered-waves", 22),
                new LocalRuns.ChaosRun(3, "one-random-spot-worker", 33));
        List<String> replenished = new ArrayList<>(List.of("spot-2", ""));
        boolean passed = runs.chaos(series, 7, run -> {
            lines.add("(experiment " + run.number() + ")");
            return new LocalRuns.RunSummary(run.number() != 2, 2, run.number(), 1);
        }, () -> {
            String replaced = replenished.removeFirst();
            return replaced.isEmpty() ? List.of() : List.of(replaced);
        });
        assertThat(passed).isFalse();
        assertThat(lines).containsExactly(
                "run 1 of 3: one-random-spot-worker (seed 11)",
                "(experiment 1)",
                "replenished spot-2",
                "run 2 of 3: staggered-waves (seed 22)",
                "(experiment 2)",
                "run 3 of 3: one-random-spot-worker (seed 33)",
                "(experiment 3)",
                "run 1 one-random-spot-worker seed 11: correct, 2 query run(s), 1 task(s) failed, 1 retried",
                "run 2 staggered-waves seed 22: WRONG, 2 query run(s), 2 task(s) failed, 1 retried",
                "run 3 one-random-spot-worker seed 33: correct, 2 query run(s), 3 task(s) failed, 1 retried",
                "chaos: 2 passed, 1 failed (3 runs, seed 7)");
        assertThat(replenished).isEmpty();
    }

    @Test
    void chaosPassesWhenEveryRunWasCorrect()
            throws Exception
    {
        assertThat(runs.chaos(List.of(new LocalRuns.ChaosRun(1, "t", 1)), 1, run -> new LocalRuns.RunSummary(true, 1, 0, 0), () -> {
            throw new AssertionError("no replenishing after the last run");
        })).isTrue();
        assertThat(lines.getLast()).isEqualTo("chaos: 1 passed, 0 failed (1 runs, seed 1)");
    }

    @Test
    void theSameSeedPicksTheSameSeries()
    {
        List<String> templates = List.of("a", "b", "c");
        List<LocalRuns.ChaosRun> series = LocalRuns.chaosRuns(templates, 20, 42);
        assertThat(series).isEqualTo(LocalRuns.chaosRuns(templates, 20, 42));
        assertThat(series).extracting(LocalRuns.ChaosRun::number).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
        assertThat(series).extracting(LocalRuns.ChaosRun::template).containsOnly("a", "b", "c").contains("a", "b", "c");
        assertThat(series).allSatisfy(run -> assertThat(run.seed()).isBetween(0L, 999_999L));
        assertThat(LocalRuns.chaosRuns(templates, 20, 43)).isNotEqualTo(series);
        assertThatThrownBy(() -> LocalRuns.chaosRuns(List.of(), 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void demoChecksEverySpotWorkerShutDownAndWentAway()
    {
        Map<String, List<NodeState>> states = new LinkedHashMap<>();
        states.put("spot-1", List.of(NodeState.ACTIVE, NodeState.DRAINING, NodeState.SHUTTING_DOWN, NodeState.STOPPED, NodeState.GONE));
        states.put("spot-2", List.of(NodeState.ACTIVE, NodeState.GONE));
        states.put("spot-3", List.of(NodeState.ACTIVE, NodeState.SHUTTING_DOWN));
        states.put("spot-4", List.of());
        assertThat(LocalRuns.spotWorkerProblems(states)).containsExactly(
                "spot-2 never showed shutting_down (states [ACTIVE, GONE])",
                "spot-3 is not gone at the end (states [ACTIVE, SHUTTING_DOWN])",
                "spot-4 never showed shutting_down (states [])",
                "spot-4 is not gone at the end (states [])");
        assertThat(LocalRuns.spotWorkerProblems(Map.of("spot-1", states.get("spot-1")))).isEmpty();
    }

    @Test
    void defaultReportDirIsNamedAfterTheUtcTime()
    {
        assertThat(LocalRuns.defaultReportDir(Path.of("/home/t"), Instant.parse("2026-11-22T10:04:05.678Z")))
                .isEqualTo(Path.of("/home/t/reports/20261122100405"));
    }

    @Test
    void medianOfOddAndEvenCounts()
    {
        assertThat(LocalRuns.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(LocalRuns.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }

    @Test
    void verdictShowsRunTimesAsMinutesAndSecondsAndEachSpotWorkersTasks()
    {
        ExperimentReport report = new ExperimentReport("t", "t", Instant.parse("2026-11-22T10:00:00Z"), Duration.ofSeconds(200),
                List.of(new ExperimentReport.Node("spot-1", "worker", "spot", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE)))),
                List.of(new ExperimentReport.Event(Duration.ofSeconds(20), EventKind.SPOT_NOTICE, Optional.of("spot-1"), "notice")),
                List.of(),
                List.of(new ExperimentReport.TaskAttempt("q.1.0.0", "spot-1", Duration.ZERO, Optional.of(Duration.ofSeconds(30)), "FINISHED")),
                new ExperimentReport.Verdict(true, "2 run(s), each 243 rows", Optional.of(Duration.ofSeconds(123)), Optional.empty()));
        assertThat(LocalRuns.verdictLines(report, 1, 2, Path.of("/r/t.html"), Path.of("/r/t.json"))).containsExactly(
                "verdict: CORRECT - 2 run(s), each 243 rows",
                "  tasks failed 1, task attempts retried 2; run in flight at the start 2:03, fault-free -",
                "  spot-1 (notice at +0:20): 1 task(s) finished after the notice, 0 failed early and rerun, 0.0 task-seconds lost",
                "  report: /r/t.html (data: t.json)");
    }
}
