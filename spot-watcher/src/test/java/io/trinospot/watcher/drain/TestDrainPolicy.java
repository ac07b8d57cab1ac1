package io.trinospot.watcher.drain;

import io.trinospot.watcher.trino.PipelineProgress;
import io.trinospot.watcher.trino.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static io.trinospot.watcher.drain.TaskDecision.Action.FAIL_AT_CUTOFF;
import static io.trinospot.watcher.drain.TaskDecision.Action.FAIL_EARLY;
import static io.trinospot.watcher.drain.TaskDecision.Action.LET_FINISH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestDrainPolicy
{
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant DEADLINE = NOW.plusSeconds(120);
    private final DrainPolicy policy = new DrainPolicy(Duration.ofSeconds(15), 1.5);

    @Test
    void taskThatFinishesWellBeforeCutoffIsLetFinish()
    {
        // 8/10 drivers in 40 s: ~10 s to go, x1.5 = 15 s < 105 s to cutoff.
        assertThat(decide(task("a", "RUNNING", 40, 10, 8))).isEqualTo(LET_FINISH);
    }

    @Test
    void taskThatCannotFinishIsFailedEarly()
    {
        // 1/10 drivers in 30 s: ~270 s to go.
        assertThat(decide(task("b", "RUNNING", 30, 10, 1))).isEqualTo(FAIL_EARLY);
    }

    @Test
    void estimateFactorTipsABorderlineTask()
    {
        // 5/10 in 80 s: 80 s to go; fits the 105 s to cutoff alone, not with factor 1.5 (120 s).
        TaskSnapshot borderline = task("c", "RUNNING", 80, 10, 5);
        assertThat(new DrainPolicy(Duration.ofSeconds(15), 1.0).decide(List.of(borderline), NOW, DEADLINE).getFirst().action()).isEqualTo(LET_FINISH);
        assertThat(decide(borderline)).isEqualTo(FAIL_EARLY);
    }

    @Test
    void safetyMarginShrinksTheTimeAvailable()
    {
        // 9/10 in 90 s: 10 s to go x1.5 = 15 s; 20 s left to the deadline.
        Instant now = DEADLINE.minusSeconds(20);
        TaskSnapshot task = new TaskSnapshot("d", "RUNNING", Optional.of(now.minusSeconds(90)), Duration.ofSeconds(90), 10, 0, 1, 0, 9);
        assertThat(new DrainPolicy(Duration.ZERO, 1.5).decide(List.of(task), now, DEADLINE).getFirst().action()).isEqualTo(LET_FINISH);
        assertThat(new DrainPolicy(Duration.ofSeconds(10), 1.5).decide(List.of(task), now, DEADLINE).getFirst().action()).isEqualTo(FAIL_EARLY);
    }

    @Test
    void driversStillRunningSinceTheStartCountAsUnfinishedWork()
    {
        // 8 of 12 drivers done in 12 s (the small splits); the other 4 have run since the start, nothing queued.
        // Linear: 6 s to go, x1.5 = 9 s, fits the 10 s; but those drivers have already run 12 s, so about that much again.
        Instant now = DEADLINE.minusSeconds(25);
        Instant started = now.minusSeconds(12);
        TaskSnapshot skewed = new TaskSnapshot("q", "RUNNING", Optional.of(started), Duration.ofSeconds(12), 12, 0, 4, 0, 8, Optional.of(started.plusMillis(100)));
        TaskDecision decision = policy.decide(List.of(skewed), now, DEADLINE).getFirst();
        assertThat(decision.action()).isEqualTo(FAIL_EARLY);
        assertThat(decision.reason()).contains("about 11.9 s to go (the last 4 drivers have run 11.9 s)");
        // The same progress where the last driver started a second ago: the linear estimate stands, and fits.
        TaskSnapshot steady = new TaskSnapshot("r", "RUNNING", Optional.of(started), Duration.ofSeconds(12), 12, 0, 4, 0, 8, Optional.of(now.minusSeconds(1)));
        assertThat(policy.decide(List.of(steady), now, DEADLINE).getFirst().action()).isEqualTo(LET_FINISH);
        // Drivers still queued: work is not all in flight, the linear estimate stands.
        TaskSnapshot queued = new TaskSnapshot("s", "RUNNING", Optional.of(started), Duration.ofSeconds(12), 12, 1, 3, 0, 8, Optional.of(started.plusMillis(100)));
        assertThat(policy.decide(List.of(queued), now, DEADLINE).getFirst().action()).isEqualTo(LET_FINISH);
    }

    @Test
    void longRunningDriversWithAWholeNoticeAheadAreLetFinish()
    {
        // A two-minute notice finds a scan at 8/12 drivers after 43 s, its 4 big drivers running since the start.
        // In flight: about 43 s more; 105 s to the cutoff: it is let finish (x1.5 on top would fail it at ~40 s).
        Instant started = NOW.minusSeconds(43);
        TaskSnapshot scan = new TaskSnapshot("t", "RUNNING", Optional.of(started), Duration.ofSeconds(43), 12, 0, 4, 0, 8, Optional.of(started.plusMillis(100)));
        assertThat(decide(scan)).isEqualTo(LET_FINISH);
        // Still running 60 s later, 45 s before the cutoff: it has run 103 s, so it would need about that again.
        assertThat(policy.decide(List.of(scan), NOW.plusSeconds(60), DEADLINE).getFirst().action()).isEqualTo(FAIL_EARLY);
    }

    @Test
    void taskWithNoDriverStartedIsFailedEarly()
    {
        assertThat(judge(task("e", "PLANNED", 0, 0, 0)).reason()).isEqualTo("no driver yet: nothing lost");
        TaskSnapshot waiting = new TaskSnapshot("f", "RUNNING", Optional.of(NOW.minusSeconds(5)), Duration.ofSeconds(5), 10, 10, 0, 0, 0);
        assertThat(judge(waiting)).extracting(TaskDecision::action, TaskDecision::reason)
                .containsExactly(FAIL_EARLY, "no driver started yet (10 queued): nothing lost");
    }

    @Test
    void taskWithNoCompletedDriverNeedsAboutAsLongAgainAsItsDriversHaveRun()
    {
        // All 10 drivers running for 5 s, none done: about 5 s more, 105 s to the cutoff.
        TaskSnapshot young = task("f", "RUNNING", 5, 10, 0);
        assertThat(judge(young).action()).isEqualTo(LET_FINISH);
        assertThat(judge(young).reason()).contains("0/10 drivers done in 5.0 s, about 5.0 s to go (no driver done; all 10 running for 5.0 s)");
        // Still none done 60 s later: it has run 65 s, 45 s are left.
        assertThat(policy.decide(List.of(young), NOW.plusSeconds(60), DEADLINE).getFirst().action()).isEqualTo(FAIL_EARLY);
        // One driver running for 8 s with 15 queued behind it: each of those takes at least as long, 128 s in all.
        TaskSnapshot serial = new TaskSnapshot("g", "RUNNING", Optional.of(NOW.minusSeconds(8)), Duration.ofSeconds(8), 16, 15, 1, 0, 0);
        assertThat(judge(serial).action()).isEqualTo(FAIL_EARLY);
        assertThat(judge(serial).reason()).contains("about 128.0 s to go (no driver done; 1 running for 8.0 s, 15 queued behind them)");
    }

    @Test
    void flushingTaskIsLetFinishUntilCutoff()
    {
        TaskSnapshot flushing = task("g", "FLUSHING", 60, 10, 10);
        assertThat(decide(flushing)).isEqualTo(LET_FINISH);
        assertThat(policy.decide(List.of(flushing), DEADLINE.minusSeconds(15), DEADLINE).getFirst().action()).isEqualTo(FAIL_AT_CUTOFF);
    }

    @Test
    void everythingStillRunningFailsAtCutoff()
    {
        List<TaskSnapshot> tasks = List.of(task("h", "RUNNING", 100, 10, 9), task("i", "RUNNING", 1, 10, 1));
        assertThat(policy.decide(tasks, DEADLINE.minusSeconds(15), DEADLINE))
                .extracting(TaskDecision::action)
                .containsExactly(FAIL_AT_CUTOFF, FAIL_AT_CUTOFF);
        assertThat(policy.decide(tasks, DEADLINE.plusSeconds(5), DEADLINE))
                .extracting(TaskDecision::action)
                .containsExactly(FAIL_AT_CUTOFF, FAIL_AT_CUTOFF);
    }

    @Test
    void finishedAndFailingTasksAreIgnored()
    {
        List<TaskSnapshot> tasks = List.of(
                task("j", "FINISHED", 10, 10, 10),
                task("k", "FAILED", 10, 10, 2),
                task("l", "CANCELING", 10, 10, 2),
                task("m", "RUNNING", 30, 10, 1));
        assertThat(policy.decide(tasks, NOW, DEADLINE)).extracting(TaskDecision::taskId).containsExactly("m");
    }

    @Test
    void usesElapsedWhenStartIsUnknown()
    {
        TaskSnapshot noStart = new TaskSnapshot("n", "RUNNING", Optional.empty(), Duration.ofSeconds(400), 10, 0, 1, 0, 5);
        assertThat(decide(noStart)).isEqualTo(FAIL_EARLY);
        TaskSnapshot quick = new TaskSnapshot("o", "RUNNING", Optional.empty(), Duration.ofSeconds(4), 10, 0, 1, 0, 5);
        assertThat(decide(quick)).isEqualTo(LET_FINISH);
    }

    @Test
    void reasonsExplainTheDecision()
    {
        TaskDecision decision = policy.decide(List.of(task("p", "RUNNING", 30, 10, 1)), NOW, DEADLINE).getFirst();
        assertThat(decision.reason()).contains("1/10 drivers", "until cutoff");
    }

    @Test
    void joinWhoseProbeSideHasJustBegunIsJudgedByTheProbeSide()
    {
        // A scan of three files joined to a small table: the build side's 8 drivers are done, the 3 drivers that scan
        // and probe have run 8 s with none done. The task's counts alone say 8/11; the probe side needs about 8 s more,
        // and a two-minute notice leaves 105 s.
        Instant started = NOW.minusSeconds(9);
        PipelineProgress build = new PipelineProgress(0, true, 8, 0, 8, Optional.of(started), Optional.of(started));
        PipelineProgress probe = new PipelineProgress(2, true, 3, 0, 0, Optional.of(NOW.minusSeconds(8)), Optional.of(NOW.minusSeconds(8)));
        TaskSnapshot scan = withPipelines(new TaskSnapshot("u", "RUNNING", Optional.of(started), Duration.ofSeconds(9), 12, 0, 4, 0, 8, Optional.of(NOW.minusSeconds(8))),
                List.of(build, new PipelineProgress(1, false, 1, 0, 0, Optional.of(started), Optional.of(started)), probe));
        TaskDecision decision = policy.decide(List.of(scan), NOW, DEADLINE).getFirst();
        assertThat(decision.action()).isEqualTo(LET_FINISH);
        assertThat(decision.reason()).startsWith("pipeline 2: 0/3 drivers done in 8.0 s, about 8.0 s to go");
        // The same task with a 25 s window (10 s to the cutoff) 2 s later: 10 s run, 8 s left.
        assertThat(policy.decide(List.of(scan), NOW.plusSeconds(2), NOW.plusSeconds(25)).getFirst().action()).isEqualTo(FAIL_EARLY);
        // A probe side of one running driver with 15 splits queued behind it is failed at once.
        PipelineProgress serialProbe = new PipelineProgress(2, true, 16, 15, 0, Optional.of(NOW.minusSeconds(8)), Optional.of(NOW.minusSeconds(8)));
        TaskSnapshot serial = withPipelines(scan, List.of(build, serialProbe));
        assertThat(policy.decide(List.of(serial), NOW, DEADLINE).getFirst().action()).isEqualTo(FAIL_EARLY);
        // A probe side that has started none of its drivers (waiting for its build side): little lost, failed early.
        PipelineProgress waitingProbe = new PipelineProgress(2, true, 64, 64, 0, Optional.empty(), Optional.empty());
        TaskDecision waiting = policy.decide(List.of(withPipelines(scan, List.of(build, waitingProbe))), NOW, DEADLINE).getFirst();
        assertThat(waiting.action()).isEqualTo(FAIL_EARLY);
        assertThat(waiting.reason()).isEqualTo("pipeline 2 reads input and has started none of its 64 drivers (the task 8/12): little lost");
    }

    @Test
    void aScanIsJudgedByTheRowsItHasReadAgainstThePlannersEstimate()
    {
        // The long-task benchmark's scan of inventory (11,745,000 rows, three files, one task), 10 s in with no driver
        // done, 13 s to the cutoff of a 30 s notice. Driver counts say "about as long again" (10 s) and let it run;
        // 1,028,192 rows of 11,745,000 read in 10 s say about 104 s more (x1.5: 156 s): it is failed at once.
        Instant now = DEADLINE.minusSeconds(28);
        Instant started = now.minusSeconds(10);
        assertThat(decideScan(3, 0, started, 1_028_192, OptionalDouble.empty(), now).action()).isEqualTo(LET_FINISH);
        TaskDecision young = decideScan(3, 0, started, 1_028_192, OptionalDouble.of(11_745_000), now);
        assertThat(young.action()).isEqualTo(FAIL_EARLY);
        assertThat(young.reason()).contains("0/3 drivers done in 10.0 s, about 156.3 s to go (1028192 of about 11745000 rows read, by the planner's estimate of its scan)");
        // The same scan 57.6 s in, two of its files done, 9,247,418 rows read, 55.9 s to the cutoff of a two-minute
        // notice: its last driver, on the biggest file, has run 57.6 s, which the driver counts take as the time it
        // still needs, and fail it; the rows say about 23 s more, and it is let finish.
        Instant later = DEADLINE.minusMillis(70_900);
        Instant began = later.minusMillis(57_600);
        assertThat(decideScan(3, 2, began, 9_247_418, OptionalDouble.empty(), later).action()).isEqualTo(FAIL_EARLY);
        TaskDecision nearlyDone = decideScan(3, 2, began, 9_247_418, OptionalDouble.of(11_745_000), later);
        assertThat(nearlyDone.action()).isEqualTo(LET_FINISH);
        assertThat(nearlyDone.reason()).contains("about 23.3 s to go");
    }

    @Test
    void aReadPastThePlannersEstimateFallsBackToDriverCounts()
    {
        // The estimate was low: 12,000,000 rows read of about 11,745,000. The driver counts decide (1 of 3 done in
        // 20 s, the others running since the start: about 60 s, x1.5, does not fit 50 s).
        Instant now = DEADLINE.minusSeconds(65);
        TaskDecision decision = decideScan(3, 1, now.minusSeconds(20), 12_000_000, OptionalDouble.of(11_745_000), now);
        assertThat(decision.action()).isEqualTo(FAIL_EARLY);
        assertThat(decision.reason()).doesNotContain("planner").contains("1/3 drivers done in 20.0 s");
    }

    // A task whose one input pipeline scans a table, all its drivers started together at {@code started}.
    private TaskDecision decideScan(int total, int completed, Instant started, long rowsRead, OptionalDouble expectedRows, Instant now)
    {
        PipelineProgress scan = new PipelineProgress(0, true, total, 0, completed, Optional.of(started), Optional.of(started), rowsRead, Optional.of("0"), expectedRows);
        TaskSnapshot task = withPipelines(task("scan", "RUNNING", Duration.between(started, now).toSeconds(), total, completed), List.of(scan));
        return policy.decide(List.of(task), now, DEADLINE).getFirst();
    }

    @Test
    void slowestInputPipelineDecides()
    {
        // Pipeline 0 is nearly done; pipeline 1 has done 1 of 10 drivers in 30 s: about 270 s to go.
        List<PipelineProgress> pipelines = List.of(
                new PipelineProgress(0, true, 10, 0, 9, Optional.of(NOW.minusSeconds(30)), Optional.of(NOW.minusSeconds(2))),
                new PipelineProgress(1, true, 10, 5, 1, Optional.of(NOW.minusSeconds(30)), Optional.of(NOW.minusSeconds(1))));
        TaskSnapshot task = withPipelines(task("v", "RUNNING", 30, 20, 10), pipelines);
        TaskDecision decision = policy.decide(List.of(task), NOW, DEADLINE).getFirst();
        assertThat(decision.action()).isEqualTo(FAIL_EARLY);
        assertThat(decision.reason()).startsWith("pipeline 1: 1/10 drivers done in 30.0 s");
        // The same with pipeline 1 at 9 of 10: both fit.
        List<PipelineProgress> bothFast = List.of(pipelines.getFirst(),
                new PipelineProgress(1, true, 10, 0, 9, Optional.of(NOW.minusSeconds(30)), Optional.of(NOW.minusSeconds(2))));
        assertThat(decide(withPipelines(task("w", "RUNNING", 30, 20, 18), bothFast))).isEqualTo(LET_FINISH);
    }

    @Test
    void pipelinesFedByOtherPipelinesDoNotCount()
    {
        // A final aggregation completes no driver before its input ends; an input pipeline without drivers has no
        // input yet. Only pipeline 0 tells the task's progress, and it is nearly done.
        List<PipelineProgress> pipelines = List.of(
                new PipelineProgress(0, true, 10, 0, 8, Optional.of(NOW.minusSeconds(40)), Optional.of(NOW.minusSeconds(3))),
                new PipelineProgress(1, false, 4, 0, 0, Optional.of(NOW.minusSeconds(40)), Optional.of(NOW.minusSeconds(40))),
                new PipelineProgress(2, true, 0, 0, 0, Optional.empty(), Optional.empty()));
        TaskDecision decision = policy.decide(List.of(withPipelines(task("x", "RUNNING", 40, 14, 8), pipelines)), NOW, DEADLINE).getFirst();
        assertThat(decision.action()).isEqualTo(LET_FINISH);
        assertThat(decision.reason()).startsWith("pipeline 0: 8/10 drivers done in 40.0 s");
    }

    @Test
    void rejectsNonsenseSettings()
    {
        assertThatThrownBy(() -> new DrainPolicy(Duration.ofSeconds(-1), 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DrainPolicy(Duration.ZERO, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DrainPolicy(Duration.ZERO, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private TaskDecision judge(TaskSnapshot task)
    {
        return policy.decide(List.of(task), NOW, DEADLINE).getFirst();
    }

    private TaskDecision.Action decide(TaskSnapshot task)
    {
        List<TaskDecision> decisions = policy.decide(List.of(task), NOW, DEADLINE);
        assertThat(decisions).hasSize(1);
        return decisions.getFirst().action();
    }

    private static TaskSnapshot withPipelines(TaskSnapshot task, List<PipelineProgress> pipelines)
    {
        return new TaskSnapshot(task.taskId(), task.state(), task.startedAt(), task.elapsed(), task.totalDrivers(), task.queuedDrivers(), task.runningDrivers(),
                task.blockedDrivers(), task.completedDrivers(), task.lastDriverStartedAt(), pipelines);
    }

    static TaskSnapshot task(String id, String state, long runningSeconds, int total, int completed)
    {
        return new TaskSnapshot(id, state, Optional.of(NOW.minusSeconds(runningSeconds)), Duration.ofSeconds(runningSeconds), total, 0,
                total - completed, 0, completed);
    }
}
