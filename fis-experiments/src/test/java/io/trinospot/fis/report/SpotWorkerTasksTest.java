package io.trinospot.fis.report;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SpotWorkerTasksTest
{
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void blogRunCountsSpot3sTasks()
    {
        List<SpotWorkerTasks> workers = SpotWorkerTasks.of(SampleReports.blogRun(true));
        assertThat(workers).extracting(SpotWorkerTasks::worker).containsExactly("spot-1", "spot-2", "spot-3", "spot-4");
        SpotWorkerTasks spot3 = workers.get(2);
        // 1.1.0.0 finished at +30 s, after the notice at +20 s; 1.2.0.0 failed at +25.5 s and ran again on core-1;
        // 1.3.0.0 died with the worker at +2:21, after the interruption at +2:20: lost, but not failed early
        assertThat(spot3).isEqualTo(new SpotWorkerTasks("spot-3", Optional.of(Duration.ofSeconds(20)), 1, 1, Duration.ofMillis(15_500 + 41_000)));
        assertThat(spot3.line()).isEqualTo("spot-3 (notice at +0:20): 1 task(s) finished after the notice, 1 failed early and rerun, 56.5 task-seconds lost");
        assertThat(workers.getFirst()).isEqualTo(new SpotWorkerTasks("spot-1", Optional.of(Duration.ofSeconds(20)), 0, 0, Duration.ZERO));
    }

    @Test
    void onlyAttemptsOnTheWorkerAfterItsNoticeCount()
    {
        ExperimentReport report = report(
                List.of(spot("spot-1", gone(90)), spot("spot-2", gone(90)), onDemand("core-1")),
                List.of(notice("spot-1", 30), interrupt("spot-1", 60)),
                List.of(
                        attempt("q.1.0.0", "spot-1", 0, 20, "FINISHED"),   // before the notice
                        attempt("q.1.1.0", "spot-1", 0, 30, "FINISHED"),   // at the notice
                        attempt("q.1.2.0", "spot-1", 0, 61, "FINISHED"),   // finished after the kill: still after the notice
                        attempt("q.1.3.0", "core-1", 0, 40, "FINISHED"),   // another worker
                        attempt("q.1.4.0", "spot-1", 5, 25, "FAILED"),     // failed before the notice, rerun: lost only
                        attempt("q.1.4.1", "core-1", 26, 50, "FINISHED"),
                        attempt("q.1.5.0", "spot-1", 10, 45, "FAILED"),    // failed early and rerun
                        attempt("q.1.5.1", "core-1", 46, 70, "FINISHED"),
                        attempt("q.1.6.0", "spot-1", 20, 50, "FAILED"),    // failed early, never rerun (the query gave up)
                        attempt("q.1.7.0", "spot-1", 30, 40, "ABORTED"),   // aborted, not failed: nothing lost
                        attempt("q.1.8.0", "spot-1", 40, null, "RUNNING")));
        List<SpotWorkerTasks> workers = SpotWorkerTasks.of(report);
        assertThat(workers).hasSize(2);
        assertThat(workers.get(0)).isEqualTo(new SpotWorkerTasks("spot-1", Optional.of(Duration.ofSeconds(30)), 2, 1, Duration.ofSeconds(20 + 35 + 30)));
        assertThat(workers.get(1)).isEqualTo(new SpotWorkerTasks("spot-2", Optional.empty(), 0, 0, Duration.ZERO));
        assertThat(workers.get(1).line()).isEqualTo("spot-2 (no Spot notice): 0 task(s) finished after the notice, 0 failed early and rerun, 0.0 task-seconds lost");
    }

    @Test
    void withoutAnInterruptEventTheWorkerIsReclaimedWhenGone()
    {
        ExperimentReport report = report(
                List.of(spot("spot-1", gone(60))),
                List.of(notice("spot-1", 10)),
                List.of(
                        attempt("q.2.0.0", "spot-1", 0, 59, "FAILED"),
                        attempt("q.2.0.1", "spot-1", 59, 60, "FAILED"),    // failed when it was gone: not early
                        attempt("q.2.0.2", "core-1", 60, 80, "FINISHED")));
        SpotWorkerTasks worker = SpotWorkerTasks.of(report).getFirst();
        assertThat(worker.failedEarlyAndRerun()).isEqualTo(1);
        assertThat(worker.lost()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anAttemptThatNeverEndedRanUntilTheEndOfTheRun()
    {
        ExperimentReport.TaskAttempt running = attempt("q.1.0.0", "spot-1", 170, null, "RUNNING");
        assertThat(running.ranFor(Duration.ofSeconds(200))).isEqualTo(Duration.ofSeconds(30));
        assertThat(running.task()).isEqualTo("q.1.0");
        assertThat(running.attempt()).isZero();
        assertThat(attempt("not-fte", "spot-1", 0, 1, "FAILED").attempt()).isEqualTo(-1);
    }

    private static ExperimentReport report(List<ExperimentReport.Node> nodes, List<ExperimentReport.Event> events, List<ExperimentReport.TaskAttempt> tasks)
    {
        return new ExperimentReport("t", "t", START, Duration.ofSeconds(200), nodes, events, List.of(), tasks,
                new ExperimentReport.Verdict(true, "fine", Optional.empty(), Optional.empty()));
    }

    private static ExperimentReport.Node spot(String name, List<ExperimentReport.StateChange> states)
    {
        return new ExperimentReport.Node(name, "worker", "spot", states);
    }

    private static ExperimentReport.Node onDemand(String name)
    {
        return new ExperimentReport.Node(name, "worker", "on-demand", List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE)));
    }

    private static List<ExperimentReport.StateChange> gone(int seconds)
    {
        return List.of(new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE), new ExperimentReport.StateChange(Duration.ofSeconds(seconds), NodeState.GONE));
    }

    private static ExperimentReport.Event notice(String node, int seconds)
    {
        return new ExperimentReport.Event(Duration.ofSeconds(seconds), EventKind.SPOT_NOTICE, Optional.of(node), "notice");
    }

    private static ExperimentReport.Event interrupt(String node, int seconds)
    {
        return new ExperimentReport.Event(Duration.ofSeconds(seconds), EventKind.INTERRUPT, Optional.of(node), "interrupt");
    }

    private static ExperimentReport.TaskAttempt attempt(String id, String node, int started, Integer ended, String state)
    {
        return new ExperimentReport.TaskAttempt(id, node, Duration.ofSeconds(started), Optional.ofNullable(ended).map(Duration::ofSeconds), state);
    }
}
