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

/** What the local runs decide and print, apart from the cluster they start. */
class LocalRunsTest
{
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

    @Test
    void verdictListsEachTaskFailedEarlyWithItsRerun()
    {
        String failure = ExperimentReport.SPOT_WATCHER_FAILURE + " reclaimed soon; task failed early";
        ExperimentReport report = report(List.of(
                new ExperimentReport.TaskAttempt("w.1.0.0", "spot-1", Duration.ofSeconds(5), Optional.of(Duration.ofSeconds(22)), "FAILED", Optional.of(failure)),
                new ExperimentReport.TaskAttempt("w.1.0.1", "core-1", Duration.ofSeconds(23), Optional.of(Duration.ofSeconds(90)), "FINISHED")));
        assertThat(LocalRuns.verdictLines(report, 1, 1, Path.of("/r/t.html"), Path.of("/r/t.json"))).containsSubsequence(
                "  1 task(s) failed early by spot-watchers, 118.0 task-seconds saved against waiting for the kill:",
                "    task w.1.0.0 on spot-1 failed early at +0:22, rerun as w.1.0.1 on core-1 (finished at +1:30); 118.0 task-seconds saved");
    }

    @Test
    void aTaskStartedOnASpotWorkerAfterItShowedShuttingDownIsAProblem()
    {
        ExperimentReport report = report(List.of(
                new ExperimentReport.TaskAttempt("q.1.0.0", "spot-1", Duration.ofSeconds(10), Optional.of(Duration.ofSeconds(30)), "FINISHED"),
                new ExperimentReport.TaskAttempt("q.1.1.0", "spot-1", Duration.ofSeconds(20), Optional.of(Duration.ofSeconds(30)), "FINISHED"),
                new ExperimentReport.TaskAttempt("q.1.2.0", "spot-1", Duration.ofMillis(20_500), Optional.of(Duration.ofSeconds(30)), "FINISHED"),
                new ExperimentReport.TaskAttempt("q.1.3.0", "core-1", Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(70)), "FINISHED")));
        // spot-1 showed shutting_down at +20 s: a task created then is not after it, one created half a second later is
        assertThat(LocalRuns.tasksAfterShutdown(report, List.of("spot-1"))).containsExactly(
                "task q.1.2.0 started on spot-1 at +0:20, after it showed shutting_down at +0:20");
        assertThat(LocalRuns.tasksAfterShutdown(report, List.of())).isEmpty();
    }

    @Test
    void theWriteNeedsAnEarlyFailureOnEverySpotWorkerThatRanPartOfItEachRerunElsewhere()
    {
        String failure = ExperimentReport.SPOT_WATCHER_FAILURE + " reclaimed soon; task failed early";
        ExperimentReport good = report(List.of(
                new ExperimentReport.TaskAttempt("w.1.0.0", "spot-1", Duration.ofSeconds(5), Optional.of(Duration.ofSeconds(22)), "FAILED", Optional.of(failure)),
                new ExperimentReport.TaskAttempt("w.1.0.1", "core-1", Duration.ofSeconds(23), Optional.of(Duration.ofSeconds(90)), "FINISHED"),
                new ExperimentReport.TaskAttempt("q39.1.0.0", "spot-2", Duration.ofSeconds(5), Optional.of(Duration.ofSeconds(15)), "FINISHED")));
        // spot-2 ran only q39: nothing of the write was there to fail
        assertThat(LocalRuns.writeProblems(good, "w", List.of("spot-1", "spot-2"))).isEmpty();
        // a task of the write that was over before the worker's notice (+10 s) was not part of the write under it
        ExperimentReport doneBefore = report(List.of(
                new ExperimentReport.TaskAttempt("w.3.0.0", "spot-2", Duration.ofSeconds(1), Optional.of(Duration.ofSeconds(8)), "FINISHED")));
        assertThat(LocalRuns.writeProblems(doneBefore, "w", List.of("spot-1", "spot-2"))).isEmpty();

        ExperimentReport bad = report(List.of(
                new ExperimentReport.TaskAttempt("w.1.0.0", "spot-1", Duration.ofSeconds(5), Optional.of(Duration.ofSeconds(22)), "FAILED", Optional.of(failure)),
                new ExperimentReport.TaskAttempt("w.1.0.1", "spot-1", Duration.ofSeconds(23), Optional.of(Duration.ofSeconds(90)), "FINISHED"),
                new ExperimentReport.TaskAttempt("w.1.1.0", "spot-2", Duration.ofSeconds(5), Optional.of(Duration.ofSeconds(60)), "FINISHED")));
        assertThat(LocalRuns.writeProblems(bad, "w", List.of("spot-1", "spot-2"))).containsExactly(
                "spot-2 ran part of the write, but no task of it there was failed early",
                "the write's task w.1.0.0, failed early on spot-1, was not rerun on another worker");
    }

    /** spot-1 and spot-2 noticed at +10 s, shutting down from +20 s, interrupted at +2:20; core-1 on demand. */
    private static ExperimentReport report(List<ExperimentReport.TaskAttempt> tasks)
    {
        List<ExperimentReport.Node> nodes = new ArrayList<>();
        List<ExperimentReport.Event> events = new ArrayList<>();
        for (String spot : List.of("spot-1", "spot-2")) {
            nodes.add(new ExperimentReport.Node(spot, "worker", "spot", List.of(
                    new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE),
                    new ExperimentReport.StateChange(Duration.ofSeconds(20), NodeState.SHUTTING_DOWN),
                    new ExperimentReport.StateChange(Duration.ofSeconds(70), NodeState.GONE))));
            events.add(new ExperimentReport.Event(Duration.ofSeconds(10), EventKind.SPOT_NOTICE, Optional.of(spot), "notice"));
            events.add(new ExperimentReport.Event(Duration.ofSeconds(140), EventKind.INTERRUPT, Optional.of(spot), "interrupt"));
        }
        nodes.add(new ExperimentReport.Node("core-1", "worker", "on-demand", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE))));
        return new ExperimentReport("t", "t", Instant.parse("2026-11-22T10:00:00Z"), Duration.ofSeconds(200), nodes, events, List.of(), tasks,
                new ExperimentReport.Verdict(true, "ok", Optional.empty(), Optional.empty()));
    }

    @Test
    void theNoticeWaitsForAStageOfTheWriteRunningInParallelOnASpotWorkerAndNoShortStageThere()
    {
        java.util.Set<String> spot = java.util.Set.of("spot-1", "spot-2");
        List<ExperimentReport.TaskAttempt> dimensions = List.of(
                running("w.3.0.0", "spot-1"), running("w.4.0.0", "core-1"), running("w.5.0.0", "spot-2"));
        assertThat(LocalExperiment.writeReadyForNotice(dimensions, "w", spot)).isFalse();
        List<ExperimentReport.TaskAttempt> scanOnCores = List.of(running("w.2.0.0", "core-1"), running("w.2.1.0", "core-2"));
        assertThat(LocalExperiment.writeReadyForNotice(scanOnCores, "w", spot)).isFalse();
        List<ExperimentReport.TaskAttempt> scan = List.of(running("w.2.0.0", "core-1"), running("w.2.1.0", "spot-2"), running("q.2.0.0", "spot-1"));
        assertThat(LocalExperiment.writeReadyForNotice(scan, "w", spot)).isTrue();
        assertThat(LocalExperiment.writeReadyForNotice(scan, "q", spot)).isFalse();
        // a dimension's scan still running on a Spot worker beside the parallel scan: the notice would meet it too
        List<ExperimentReport.TaskAttempt> dimensionStillOnSpot = List.of(running("w.2.0.0", "core-1"), running("w.2.1.0", "spot-2"), running("w.3.0.0", "spot-1"));
        assertThat(LocalExperiment.writeReadyForNotice(dimensionStillOnSpot, "w", spot)).isFalse();
        // one still running on an on-demand worker is no matter
        List<ExperimentReport.TaskAttempt> dimensionOnCore = List.of(running("w.2.0.0", "core-1"), running("w.2.1.0", "spot-2"), running("w.3.0.0", "core-2"));
        assertThat(LocalExperiment.writeReadyForNotice(dimensionOnCore, "w", spot)).isTrue();
    }

    private static ExperimentReport.TaskAttempt running(String id, String node)
    {
        return new ExperimentReport.TaskAttempt(id, node, Duration.ZERO, Optional.empty(), "RUNNING");
    }
}
