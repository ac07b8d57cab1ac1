package io.trinospot.watcher.drain;

import io.trinospot.harness.imds.ManualClock;
import io.trinospot.watcher.FatalErrors;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.monitor.RebalanceRecommendation;
import io.trinospot.watcher.monitor.ScheduledMaintenance;
import io.trinospot.watcher.monitor.ScheduledMaintenanceCanceled;
import io.trinospot.watcher.monitor.SpotInterruption;
import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.harness.time.ManualScheduler;
import io.trinospot.watcher.trino.NodeState;
import io.trinospot.watcher.trino.PipelineProgress;
import io.trinospot.watcher.trino.QueryEstimates;
import io.trinospot.watcher.trino.TaskSnapshot;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static io.trinospot.watcher.drain.WorkerDrainHandler.COORDINATOR_CHECK_INTERVAL;
import static org.assertj.core.api.Assertions.assertThat;

class TestWorkerDrainHandler
{
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STATE_RETRY_INTERVAL = Duration.ofMillis(250);
    private static final Duration MILLI = Duration.ofMillis(1);
    private static final int DEFAULT_FLOOR = WatcherConfig.defaults().rebalanceMinActiveWorkers();

    private final ManualClock clock = new ManualClock(START);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final RecordingWorker worker = new RecordingWorker(clock);
    private final WatcherMetrics metrics = new WatcherMetrics();

    private WorkerDrainHandler handler(Duration margin, Duration undrainAfter)
    {
        return handler(margin, undrainAfter, Duration.ZERO);
    }

    private WorkerDrainHandler handler(Duration margin, Duration undrainAfter, Duration earlyFailDelay)
    {
        return handler(margin, undrainAfter, earlyFailDelay, earlyFailDelay.plusSeconds(10));
    }

    private WorkerDrainHandler handler(Duration margin, Duration undrainAfter, Duration earlyFailDelay, Duration earlyFailMaxDelay)
    {
        return new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(margin, 1.5), POLL_INTERVAL, earlyFailDelay, earlyFailMaxDelay, true, undrainAfter, DEFAULT_FLOOR,
                        Duration.ZERO, true, Duration.ofMinutes(2)),
                worker, metrics, clock, scheduler);
    }

    private WorkerDrainHandler rebalanceHandler(boolean drainEnabled, int minActiveWorkers)
    {
        return new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(Duration.ofSeconds(15), 1.5), POLL_INTERVAL, Duration.ZERO, Duration.ofSeconds(10), drainEnabled,
                        Duration.ofMinutes(10), minActiveWorkers, Duration.ZERO, true, Duration.ofMinutes(2)),
                worker, metrics, clock, scheduler);
    }

    private SpotInterruption spotNotice(Duration deadlineIn)
    {
        return new SpotInterruption("terminate", clock.instant().plus(deadlineIn), clock.instant());
    }

    @Test
    void spotNoticeShutsDownAndFailsOnlyTasksThatCannotFinish()
    {
        worker.tasks = List.of(
                running("finishes", START.minusSeconds(10), 10, 9),
                running("doomed", START.minusSeconds(60), 10, 1),
                notStarted("fresh", START, 4));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.failed).containsExactlyInAnyOrder("doomed", "fresh");
        assertThat(worker.messages).allSatisfy(message -> assertThat(message).contains("Spot interruption"));
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(2);
        assertThat(metrics.render()).contains("trinospot_watcher_notice_to_state_change_seconds_count 1");
    }

    @Test
    void tasksAreJudgedOnTheirOwnReadWhichHasThePipelines()
    {
        // The summarized list says 24/40 drivers done, which alone lets the task run; the task's own read shows that
        // the pipeline reading its input has completed none of its 16, one running and 15 queued behind it (a join
        // whose build side is done).
        Instant started = START.minusSeconds(8);
        TaskSnapshot listed = new TaskSnapshot("join", "RUNNING", Optional.of(started), Duration.ofSeconds(8), 40, 15, 1, 0, 24, Optional.of(started));
        worker.tasks = List.of(listed);
        worker.detailed.put("join", new TaskSnapshot("join", "RUNNING", Optional.of(started), Duration.ofSeconds(8), 40, 15, 1, 0, 24, Optional.of(started),
                List.of(new PipelineProgress(0, true, 16, 15, 0, Optional.of(started), Optional.of(started)),
                        new PipelineProgress(1, true, 24, 0, 24, Optional.of(started), Optional.of(started)))));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.failed).containsExactly("join");
        assertThat(worker.messages.getFirst()).contains("pipeline 0: 0/16 drivers done", "1 running for 8.0 s, 15 queued behind them");
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).as("never judged on the list's counts").isZero();
    }

    @Test
    void aScanIsJudgedByThePlannersEstimateAskedOncePerQuery()
    {
        // Inventory's scan 10 s in, no driver done, 1,028,192 of the 11,745,000 rows the planner expects read; a 30 s
        // notice leaves 15 s to the cutoff. Its driver counts alone would let it run (about 10 s more).
        String taskId = SCAN_TASK;
        worker.tasks = List.of(scanTask(taskId));
        worker.estimates = Optional.of(new QueryEstimates(Map.of(1, new QueryEstimates.Stage(1, Map.of("0", 11745000.0)))));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(30)));
        // the estimates are read on the questions' executor (here the handler's own), and judge from the next tick on
        scheduler.runDue();
        scheduler.advance(POLL_INTERVAL);
        assertThat(worker.failed).containsExactly(taskId);
        assertThat(worker.messages.getFirst()).contains("1028192 of about 11745000 rows read, by the planner's estimate of its scan");
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(worker.estimateQuestions).containsExactly("20261203_104210_00082_n7r5v");
    }

    @Test
    void withoutThePlannersEstimateAScanIsJudgedByItsDriverCounts()
    {
        String taskId = SCAN_TASK;
        worker.tasks = List.of(scanTask(taskId));
        worker.estimatesError = new TrinoWorkerException("GET http://coordinator:8080/v1/query/20261203_104210_00082_n7r5v: answered 403");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(30)));
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(worker.failed).as("about 10 s more fits the 13 s left").isEmpty();
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
        assertThat(worker.estimateQuestions).as("asked once, not on every tick").containsExactly("20261203_104210_00082_n7r5v");
        assertThat(metrics.render()).contains("trinospot_watcher_trino_errors_total{operation=\"query-estimates\"} 1");
    }

    @Test
    void thePlannersEstimateIsReadOffTheDrainsThreadAndDecidesOnceItArrives()
    {
        String taskId = SCAN_TASK;
        List<Runnable> questions = drainOfAScanTask(11745000.0, Duration.ofSeconds(30));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(questions).as("asked once, and the drain went on without the answer").hasSize(1);
        assertThat(worker.taskReads).as("task reads while the coordinator had not answered").isGreaterThanOrEqualTo(10);
        assertThat(worker.failed).as("judged by its driver counts meanwhile: about 10 s more fits").isEmpty();

        questions.getFirst().run();
        scheduler.advance(POLL_INTERVAL);
        assertThat(worker.failed).containsExactly(taskId);
        assertThat(worker.messages.getFirst()).contains("by the planner's estimate of its scan");
        assertThat(worker.estimateQuestions).containsExactly("20261203_104210_00082_n7r5v");
        assertThat(metrics.render()).doesNotContain("operation=\"query-estimates\"");
    }

    @Test
    void theEstimatesAreActedOnWhenTheyArriveNotAtTheNextTick()
    {
        String taskId = SCAN_TASK;
        List<Runnable> questions = drainOfAScanTask(11745000.0, Duration.ofSeconds(30));
        scheduler.advance(Duration.ofMillis(520));
        assertThat(worker.failed).as("let run by its driver counts until the estimates come").isEmpty();

        Instant answered = clock.instant();
        questions.getFirst().run();
        scheduler.runDue();
        assertThat(worker.failed).containsExactly(taskId);
        assertThat(worker.failedAt).containsExactly(answered);
    }

    @Test
    void anEarlyFailureByDriverCountsWaitsForEstimatesThatShowTheTaskNearlyDone()
    {
        // A 20 s notice leaves 5 s to the cutoff: the driver counts (about 10 s more) call for failing the scan now;
        // the planner expects 1,100,000 rows, of which 1,028,192 are read, so about 1 s more.
        String taskId = SCAN_TASK;
        List<Runnable> questions = drainOfAScanTask(1_100_000.0, Duration.ofSeconds(20));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).as("failed before its estimates came").isEmpty();

        questions.getFirst().run();
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(worker.failed).as("failed though its estimates show it nearly done").isEmpty();
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
    }

    @Test
    void anEarlyFailureWaitsForTheEstimatesTwoSecondsAtMost()
    {
        String taskId = SCAN_TASK;
        worker.tasks = List.of(scanTask(taskId));
        List<Runnable> questions = new ArrayList<>();
        handlerAskingOn(estimatesOnly(questions)).onEvent(spotNotice(Duration.ofSeconds(20)));
        scheduler.runDue();
        assertThat(questions).hasSize(1);
        Instant asked = clock.instant();

        scheduler.advance(Duration.ofMillis(1900));
        assertThat(worker.failed).isEmpty();
        scheduler.advance(Duration.ofMillis(200));
        assertThat(worker.failed).containsExactly(taskId);
        assertThat(worker.failedAt.getFirst()).isBetween(asked.plusSeconds(2), asked.plusSeconds(2).plus(POLL_INTERVAL));
        assertThat(worker.messages.getFirst()).contains("0/3 drivers done").doesNotContain("planner's estimate");
    }

    @Test
    void theFirstTaskListIsReadWhileTheDrainWaitsForTheCoordinatorsFirstAnswer()
    {
        worker.tasks = List.of(running("doomed", START.minusSeconds(60), 10, 1));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofMillis(800));
        worker.coordinatorAnswersIn = Duration.ofMillis(800);
        List<Runnable> questions = new ArrayList<>();
        // The drain's thread waits for the coordinator; meanwhile the questions' thread gets to run.
        worker.whileCoordinatorAnswers = () -> {
            List<Runnable> pending = List.copyOf(questions);
            questions.clear();
            pending.forEach(Runnable::run);
        };
        handlerAskingOn(questions::add).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();

        assertThat(worker.taskPollsWhenCoordinatorFirstAnswered).as("the list read while the first question was open").isEqualTo(1);
        assertThat(worker.taskPolls).as("and not read again by the drain").isEqualTo(1);
        assertThat(worker.failed).containsExactly("doomed");
        assertThat(worker.failedAt).containsExactly(worker.shutdownAt.plusMillis(800));
    }

    @Test
    void aFirstTaskListReadNotStartedInTimeIsReadByTheDrainAndNotAgain()
    {
        worker.tasks = List.of(running("doomed", START.minusSeconds(60), 10, 1));
        List<Runnable> questions = new ArrayList<>();
        handlerAskingOn(questions::add).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.taskPolls).isEqualTo(1);
        assertThat(worker.failed).containsExactly("doomed");

        questions.forEach(Runnable::run);
        assertThat(worker.taskPolls).as("the late start reads nothing").isEqualTo(1);
    }

    @Test
    void aFirstTaskListReadThatFailsOffTheDrainsThreadIsCountedAndListedAgain()
    {
        worker.tasks = List.of(running("doomed", START.minusSeconds(60), 10, 1));
        worker.nextReadErrors.add(new TrinoWorkerException("HTTP 500 from the worker"));
        handlerAskingOn(Runnable::run).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        scheduler.advance(POLL_INTERVAL);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isEqualTo(1);
        assertThat(worker.taskPolls).isEqualTo(2);
        assertThat(worker.failed).containsExactly("doomed");
    }

    @Test
    void theFirstTaskListIsAskedForAtTheNoticeAndAgainOnceTheWorkerIsShuttingDown()
    {
        worker.tasks = List.of(running("doomed", START.minusSeconds(60), 10, 1));
        // The coordinator places a task after the list was asked for, before the worker took SHUTTING_DOWN.
        worker.beforeShutdown = () -> worker.tasks = List.of(running("doomed", START.minusSeconds(60), 10, 1), notStarted("placed-late", START, 4));
        handlerAskingOn(Runnable::run).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.taskPollsAtShutdown).as("the list asked for before the state change").isEqualTo(1);
        assertThat(worker.failed).containsExactly("doomed");

        scheduler.advance(POLL_INTERVAL);
        assertThat(worker.taskPolls).as("listed again on the next tick").isEqualTo(2);
        assertThat(worker.failed).containsExactly("doomed", "placed-late");
    }

    private static final String SCAN_TASK = "20261203_104210_00082_n7r5v.1.0.0";

    /**
     * A notice {@code deadlineIn} ahead to a worker running {@link #scanTask} as {@link #SCAN_TASK}, whose scan the
     * planner expects {@code expectedRows} from; returns the questions the drain has asked off its thread, unanswered.
     */
    private List<Runnable> drainOfAScanTask(double expectedRows, Duration deadlineIn)
    {
        worker.tasks = List.of(scanTask(SCAN_TASK));
        worker.estimates = Optional.of(new QueryEstimates(Map.of(1, new QueryEstimates.Stage(1, Map.of("0", expectedRows)))));
        List<Runnable> questions = new ArrayList<>();
        handlerAskingOn(estimatesOnly(questions)).onEvent(spotNotice(deadlineIn));
        scheduler.runDue();
        return questions;
    }

    // The questions' executor as seen by the tests of the estimates: the first task list, also read off the drain's
    // thread, is left to the drain (which then reads it itself).
    private static java.util.concurrent.Executor estimatesOnly(List<Runnable> questions)
    {
        return question -> {
            if (!(question instanceof TaskDrain.FirstListRead)) {
                questions.add(question);
            }
        };
    }

    private WorkerDrainHandler handlerAskingOn(java.util.concurrent.Executor questions)
    {
        return new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(Duration.ofSeconds(15), 1.5), POLL_INTERVAL, Duration.ZERO, Duration.ofSeconds(10), true,
                        Duration.ofMinutes(10), DEFAULT_FLOOR, Duration.ZERO, true, Duration.ofMinutes(2)),
                worker, metrics, clock, scheduler, FatalErrors.halting(), new SplittableRandom(), questions);
    }

    // A scan of three files in one task, 10 s in, none done; its pipeline names its table scan, plan node "0".
    private TaskSnapshot scanTask(String taskId)
    {
        Instant started = START.minusSeconds(10);
        PipelineProgress scan = new PipelineProgress(0, true, 3, 0, 0, Optional.of(started), Optional.of(started), 1_028_192, Optional.of("0"), OptionalDouble.empty());
        TaskSnapshot task = new TaskSnapshot(taskId, "RUNNING", Optional.of(started), Duration.ofSeconds(10), 3, 0, 3, 0, 0, Optional.of(started), List.of(scan));
        worker.detailed.put(taskId, task);
        return task;
    }

    @Test
    void withoutACoordinatorEarlyFailuresWaitForTheFixedHold()
    {
        // Off the 50 ms poll grid, so that failing on time takes a tick at the end of the hold.
        Duration hold = Duration.ofMillis(620);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), hold).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);

        scheduler.advance(hold.minus(MILLI));
        assertThat(worker.taskPolls + worker.taskReads).as("the task read during the hold").isGreaterThanOrEqualTo(3);
        assertThat(worker.failed).as("failed during the hold").isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).as("failed when the hold ends, not a poll later")
                .isBetween(worker.shutdownAt.plus(hold), worker.shutdownAt.plus(hold).plus(MILLI));
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(1);
    }

    @Test
    void earlyFailuresStartAsSoonAsTheCoordinatorListsTheWorkerAsShutDown()
    {
        Duration seenAfter = Duration.ofMillis(700);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(seenAfter);
        // Without an answer from the coordinator the hold would be 5 s.
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);

        scheduler.advance(seenAfter.minus(MILLI));
        assertThat(worker.failed).as("failed while the coordinator lists the worker as active").isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        Duration afterStateChange = Duration.between(worker.shutdownAt, worker.failedAt.getFirst());
        assertThat(afterStateChange).isBetween(seenAfter, seenAfter.plus(COORDINATOR_CHECK_INTERVAL));
        assertThat(metrics.lastCoordinatorSawShutdown()).hasValueSatisfying(latency -> assertThat(latency).isBetween(seenAfter, seenAfter.plus(COORDINATOR_CHECK_INTERVAL)));
        assertThat(metrics.render()).contains("trinospot_watcher_coordinator_saw_shutdown_seconds ");
        // At 0, 250, 500 and 750 ms.
        assertThat(worker.coordinatorQuestions).as("asked every 250 ms until it answered").isEqualTo(4);

        scheduler.advance(Duration.ofSeconds(10));
        assertThat(worker.coordinatorQuestions).as("not asked again once it answered").isEqualTo(4);
    }

    @Test
    void heldTasksAreFailedOnTheCoordinatorsAnswerWithoutReadingThemAgain()
    {
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofMillis(400));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.readsWhenCoordinatorConfirmed).isPositive();
        assertThat(worker.readsWhenFailed).containsExactly(worker.readsWhenCoordinatorConfirmed);
    }

    @Test
    void tasksThatArriveDuringTheHoldAreLookedForOnTheCoordinatorsAnswer()
    {
        Duration seenAfter = Duration.ofMillis(700);
        worker.coordinatorSeesShutdownAfter = Optional.of(seenAfter);
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.taskPolls).as("listed at the start").isEqualTo(1);

        // The coordinator, not having seen the shutdown yet, places a task here.
        scheduler.advance(Duration.ofMillis(300));
        worker.tasks = List.of(notStarted("placed-late", clock.instant(), 4));

        scheduler.advance(Duration.ofSeconds(10));
        assertThat(worker.failed).containsExactly("placed-late");
        assertThat(Duration.between(worker.shutdownAt, worker.failedAt.getFirst()))
                .as("listed and failed once the coordinator answered, not at the next periodic listing")
                .isBetween(seenAfter, seenAfter.plus(COORDINATOR_CHECK_INTERVAL));
    }

    @Test
    void whileTheCoordinatorStillListsTheWorkerAsActiveTasksAreHeldUpToTheLongestHold()
    {
        Duration longestHold = Duration.ofMillis(1230);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofHours(1));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(100), longestHold).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();

        // Not after the 100 ms fallback hold: the coordinator answered, and it still placed work here.
        scheduler.advance(longestHold.minus(MILLI));
        assertThat(worker.failed).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).isBetween(worker.shutdownAt.plus(longestHold), worker.shutdownAt.plus(longestHold).plus(MILLI));
        assertThat(metrics.lastCoordinatorSawShutdown()).isEmpty();
    }

    @Test
    void aSlowCoordinatorsAnswerStillEndsTheHold()
    {
        Duration answersIn = Duration.ofMillis(2500);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ZERO);
        worker.coordinatorAnswersIn = answersIn;
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(4), Duration.ofSeconds(15)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "coordinator-state")).as("questions given up on").isZero();
        assertThat(metrics.counter("trinospot_watcher_coordinator_saw_shutdown_total")).isEqualTo(1);
        assertThat(worker.coordinatorQuestions).as("the first question, answered late, was the only one").isEqualTo(1);
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).as("failed as soon as the late answer came")
                .isBetween(worker.shutdownAt.plus(answersIn), worker.shutdownAt.plus(answersIn).plus(MILLI));
    }

    @Test
    void aQuestionThatTimesOutKeepsTheHoldUntilTheCoordinatorAnswers()
    {
        // A loaded coordinator takes 5 s per question: the first outlasts the 4 s fixed hold, the next one, asked at
        // once, says the worker is shut down (it listed it 6 s after SHUTTING_DOWN).
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofSeconds(6));
        worker.coordinatorAnswersIn = Duration.ofSeconds(5);
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(4), Duration.ofSeconds(15)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();

        assertThat(worker.coordinatorBudgets).extracting(Question::budget).as("the first given up when the fixed hold ends, the next given until the longest hold ends")
                .containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(11));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).as("failed once the coordinator said so, not when the fixed hold ended")
                .isBetween(worker.shutdownAt.plusSeconds(9), worker.shutdownAt.plusSeconds(9).plus(MILLI));
        assertThat(metrics.counter("trinospot_watcher_coordinator_saw_shutdown_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "coordinator-state")).as("the question that timed out").isEqualTo(1);
    }

    @Test
    void aQuestionMayTakeUntilTheNextMomentTheDrainMustActOn()
    {
        Duration fallback = Duration.ofSeconds(2);
        Duration maxHold = Duration.ofSeconds(10);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofHours(1));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), fallback, maxHold).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        scheduler.advance(maxHold.plusSeconds(1));

        List<Question> questions = worker.coordinatorBudgets;
        assertThat(questions.getFirst().at()).isEqualTo(worker.shutdownAt);
        assertThat(questions.getFirst().budget()).as("before the fixed hold ends: until it ends, so a failed question does not delay it").isEqualTo(fallback);
        Instant holdEnd = worker.shutdownAt.plus(maxHold);
        assertThat(questions).filteredOn(question -> !question.at().isBefore(worker.shutdownAt.plus(fallback)))
                .isNotEmpty()
                .allSatisfy(question -> assertThat(question.budget()).as("after it: until the longest hold ends").isEqualTo(Duration.between(question.at(), holdEnd)));
        assertThat(worker.failedAt.getFirst()).isBetween(holdEnd, holdEnd.plus(MILLI));
    }

    @Test
    void aQuestionNeverDelaysTheCutoff()
    {
        // A late notice: the cutoff (deadline - 15 s) is 5 s away, before either hold ends.
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofHours(1));
        worker.coordinatorAnswersIn = Duration.ofMinutes(1);
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(8), Duration.ofSeconds(12)).onEvent(spotNotice(Duration.ofSeconds(20)));
        scheduler.runDue();
        Instant cutoff = START.plusSeconds(5);
        assertThat(worker.coordinatorBudgets.getFirst().budget()).isEqualTo(Duration.between(worker.coordinatorBudgets.getFirst().at(), cutoff));
        scheduler.advance(Duration.ofSeconds(6));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).as("failed at the cutoff, not when a slow question would have ended").isBetween(cutoff, cutoff.plus(MILLI));
    }

    @Test
    void whenTheCoordinatorCannotBeAskedTheFixedHoldApplies()
    {
        Duration hold = Duration.ofMillis(600);
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.coordinatorError = new TrinoWorkerException("GET /v1/statement answered 401");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), hold, Duration.ofSeconds(30)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();

        scheduler.advance(hold.minus(MILLI));
        assertThat(worker.failed).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        assertThat(worker.failedAt.getFirst()).isBetween(worker.shutdownAt.plus(hold), worker.shutdownAt.plus(hold).plus(MILLI));
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "coordinator-state")).isPositive();
    }

    @Test
    void betweenFullListingsOnlyLiveTasksAreRead()
    {
        worker.tasks = List.of(running("finishes", START.minusSeconds(10), 10, 9));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.taskPolls).isEqualTo(1);

        // Ticks every 50 ms; the full list only every 5 s. The task is read on its own when the first listing finds
        // it (the list is summarized), then on every tick.
        scheduler.advance(Duration.ofSeconds(5).minus(MILLI));
        assertThat(worker.taskReads).as("the task read on its own when found and on every tick").isEqualTo(1 + 99);
        assertThat(worker.taskPolls).isEqualTo(1);
        scheduler.advance(MILLI);
        assertThat(worker.taskPolls).isEqualTo(2);
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
    }

    @Test
    void heldTasksAreFailedFromAQuickReadWhenTheHoldEnds()
    {
        worker.tasks = List.of(notStarted("fresh", START, 4));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(300)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.failed).containsExactly("fresh");
        // The listing at the start found it; it was failed from its own read, not after another full listing.
        assertThat(worker.failedAfterListings).containsExactly(1);
    }

    @Test
    void failingAtTheCutoffIsNotHeldBack()
    {
        worker.tasks = List.of(running("late", START.minusSeconds(5), 4, 1));
        // The cutoff (deadline - 2 s) has already passed; a 10 s hold must not keep the task running.
        handler(Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(10)).onEvent(spotNotice(Duration.ofMillis(1500)));
        scheduler.runDue();
        assertThat(worker.failed).containsExactly("late");
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_at_deadline_total")).isEqualTo(1);
    }

    @Test
    void taskThatFinishedBeforeTheFailRequestIsNotCountedAsFailed()
    {
        worker.tasks = List.of(notStarted("fresh", START, 4), notStarted("just-done", START, 4));
        worker.finishedMeanwhile.add("just-done");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.failed).containsExactlyInAnyOrder("fresh", "just-done");
        assertThat(metrics.counter("trinospot_watcher_tasks_ended_before_fail_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(1);
    }

    @Test
    void whateverStillRunsFailsAtDeadlineMinusMargin()
    {
        // Flushing tasks are let finish, but not past the cutoff.
        worker.tasks = List.of(new TaskSnapshot("slowpoke", "FLUSHING", Optional.of(START.minusSeconds(10)), Duration.ofSeconds(10), 10, 0, 0, 0, 10));
        handler(Duration.ofSeconds(2), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofMillis(2520)));
        // Off the 50 ms poll grid, so that failing on time takes a tick at the cutoff.
        Instant cutoff = START.plusMillis(520);
        scheduler.runDue();
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);

        scheduler.advance(Duration.between(clock.instant(), cutoff).minus(MILLI));
        assertThat(worker.failed).isEmpty();

        scheduler.advance(Duration.ofSeconds(5));
        assertThat(worker.failed).containsExactly("slowpoke");
        assertThat(worker.failedAt.getFirst()).isBetween(cutoff, cutoff.plus(MILLI));
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_at_deadline_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isZero();
    }

    @Test
    void drainEndsWithoutErrorsOnceTheWorkerHasExited()
    {
        worker.tasksError = new TrinoWorkerException("GET /v1/task: refused", new ConnectException("Connection refused"));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isEqualTo(1);
        int polls = worker.taskPolls;

        scheduler.advance(Duration.ofSeconds(10));
        assertThat(worker.taskPolls).as("no polling after the worker exited").isEqualTo(polls);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isZero();
    }

    @Test
    void otherTaskListErrorsAreCountedAndRetried()
    {
        worker.tasksError = new TrinoWorkerException("GET /v1/task answered 500");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isEqualTo(1);

        // Listed again on the next two ticks, not only after the 5 s between listings.
        scheduler.advance(POLL_INTERVAL.multipliedBy(2));
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isEqualTo(3);
        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isZero();
    }

    @Test
    void aReadThatBreaksOffAsTheWorkerExitsIsNoError()
    {
        // A worker killed or exiting while it sends the task list: the answer ends mid-way, then nothing listens.
        worker.nextReadErrors.add(new TrinoWorkerException("GET /v1/task?summarize: truncated", new java.io.EOFException("Unexpected end-of-input in VALUE_STRING")));
        worker.nextReadErrors.add(new TrinoWorkerException("GET /v1/task?summarize: refused", new ConnectException("Connection refused")));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.advance(POLL_INTERVAL.multipliedBy(3));

        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isZero();
    }

    @Test
    void aReadThatBreaksOffIsCountedWhenTheWorkerIsStillThere()
    {
        worker.nextReadErrors.add(new TrinoWorkerException("GET /v1/task?summarize: reset", new java.net.SocketException("Connection reset")));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).as("judged by the next read").isZero();

        scheduler.advance(POLL_INTERVAL);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isZero();
    }

    @Test
    void aReadThatBreaksOffAtTheDeadlineIsCounted()
    {
        worker.tasksError = new TrinoWorkerException("GET /v1/task?summarize: timed out", new java.net.SocketTimeoutException("Read timed out"));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(2)));
        scheduler.advance(Duration.ofSeconds(3));

        // Each failure is counted once the next one shows the worker still listening, the last as the drain ends.
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isEqualTo(worker.taskPolls + worker.taskReads);
        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isZero();
    }

    @Test
    void stateChangeIsRetriedUntilTheWorkerAcceptsIt()
    {
        worker.failSetState = 3;
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("stop", START.plusSeconds(120), START));
        scheduler.runDue();
        assertThat(worker.states).isEmpty();

        scheduler.advance(STATE_RETRY_INTERVAL.multipliedBy(3).minus(MILLI));
        assertThat(worker.states).isEmpty();

        scheduler.advance(MILLI);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(metrics.counter("trinospot_watcher_state_change_failures_total", "state", "SHUTTING_DOWN")).isEqualTo(3);
    }

    @Test
    void rebalanceDrainsThenReturnsToActive()
    {
        Duration undrainAfter = Duration.ofMillis(300);
        handler(Duration.ofSeconds(15), undrainAfter).onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.DRAINING);

        scheduler.advance(undrainAfter.minus(MILLI));
        assertThat(worker.states).containsExactly(NodeState.DRAINING);

        scheduler.advance(MILLI);
        assertThat(worker.states).containsExactly(NodeState.DRAINING, NodeState.ACTIVE);
    }

    @Test
    void rebalanceDoesNotDrainByDefault()
    {
        WatcherConfig defaults = WatcherConfig.defaults();
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            rebalanceHandler(defaults.rebalanceDrainEnabled(), defaults.rebalanceMinActiveWorkers()).onEvent(new RebalanceRecommendation(START, START));
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(log.messages()).singleElement().asString().contains("rebalance recommendation", "disabled");
        }
        assertThat(worker.states).isEmpty();
        assertThat(worker.activeWorkerQuestions).as("the coordinator asked about other workers").isZero();
    }

    @Test
    void rebalanceDrainsWhileEnoughOtherWorkersStayActive()
    {
        worker.otherActiveWorkers = 2;
        rebalanceHandler(true, 2).onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.DRAINING);
        assertThat(worker.activeWorkerQuestions).isEqualTo(1);
    }

    @Test
    void rebalanceDoesNotDrainWhenTooFewOtherWorkersWouldStayActive()
    {
        worker.otherActiveWorkers = 1;
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            rebalanceHandler(true, 2).onEvent(new RebalanceRecommendation(START, START));
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(log.messages()).singleElement().asString()
                    .startsWith("INFO")
                    .contains("rebalance recommendation", "not draining", "1 other", "watcher.rebalance.min-active-workers=2");
        }
        assertThat(worker.states).isEmpty();
        assertThat(worker.activeWorkerQuestions).isEqualTo(1);
    }

    @Test
    void rebalanceDoesNotDrainWhenTheCoordinatorCannotBeAsked()
    {
        worker.activeWorkersError = new TrinoWorkerException("POST http://coordinator:8080/v1/statement: java.net.ConnectException: Connection refused");
        WorkerDrainHandler handler = rebalanceHandler(true, 2);
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            handler.onEvent(new RebalanceRecommendation(START, START));
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(log.messages()).hasSize(WorkerDrainHandler.REBALANCE_COUNT_ATTEMPTS);
            assertThat(log.messages().getLast()).asString()
                    .startsWith("WARNING")
                    .contains("rebalance recommendation", "not draining", "cannot ask the coordinator", "5 tries", "Connection refused");
        }
        assertThat(worker.states).isEmpty();
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "coordinator-workers")).isEqualTo(WorkerDrainHandler.REBALANCE_COUNT_ATTEMPTS);

        // A Spot notice is not advisory: it drains without asking anyone.
        handler.onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void aPoolWideRebalanceLeavesTheFloorOfActiveWorkers()
    {
        // Six active workers, four of them Spot workers of the pool that gets the recommendation, floor 4; the
        // coordinator lists a drain 5 s after it. After their delays of 3, 9, 17 and 25 s the first two agents see 5
        // and 4 other active workers and drain, the last two see 3 and do not.
        Pool pool = new Pool(6, Duration.ofSeconds(5));
        Duration maxDelay = Duration.ofSeconds(30);
        List<PoolWorker> members = new ArrayList<>();
        for (long delaySeconds : new long[] {17, 3, 25, 9}) {
            PoolWorker member = new PoolWorker(pool);
            members.add(member);
            poolHandler(member, maxDelay, fixedDelay(Duration.ofSeconds(delaySeconds), maxDelay)).onEvent(new RebalanceRecommendation(START, START));
        }
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(members).as("no agent counts before its delay").allSatisfy(member -> assertThat(member.questions).isZero());

        scheduler.advance(maxDelay);
        assertThat(members).allSatisfy(member -> assertThat(member.questions).isEqualTo(1));
        assertThat(members.stream().map(member -> member.states).toList())
                .containsExactly(List.of(), List.of(NodeState.DRAINING), List.of(), List.of(NodeState.DRAINING));
    }

    @Test
    void withoutADelayThePoolDrainsBelowTheFloor()
    {
        // What the delay is for: the four agents count at once, each sees five others active, and all drain.
        Pool pool = new Pool(6, Duration.ofSeconds(5));
        List<PoolWorker> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PoolWorker member = new PoolWorker(pool);
            members.add(member);
            poolHandler(member, Duration.ZERO, new SplittableRandom(1)).onEvent(new RebalanceRecommendation(START, START));
        }
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(members).allSatisfy(member -> assertThat(member.states).containsExactly(NodeState.DRAINING));
    }

    private WorkerDrainHandler poolHandler(PoolWorker member, Duration maxDelay, RandomGenerator random)
    {
        return new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(Duration.ofSeconds(15), 1.5), POLL_INTERVAL, Duration.ZERO, Duration.ofSeconds(10), true,
                        Duration.ofMinutes(10), 4, maxDelay, true, Duration.ofMinutes(2)),
                member, metrics, clock, scheduler, FatalErrors.halting(), random, scheduler);
    }

    @Test
    void aSpotNoticeDuringTheRebalanceDelayWins()
    {
        Duration maxDelay = Duration.ofSeconds(30);
        WorkerDrainHandler handler = new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(Duration.ofSeconds(15), 1.5), POLL_INTERVAL, Duration.ZERO, Duration.ofSeconds(10), true,
                        Duration.ofMinutes(10), 2, maxDelay, true, Duration.ofMinutes(2)),
                worker, metrics, clock, scheduler, FatalErrors.halting(), fixedDelay(Duration.ofSeconds(20), maxDelay), scheduler);
        handler.onEvent(new RebalanceRecommendation(START, START));
        scheduler.advance(Duration.ofSeconds(5));
        handler.onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.activeWorkerQuestions).isZero();
    }

    // A generator whose bounded longs are always the given delay in millis.
    private static RandomGenerator fixedDelay(Duration delay, Duration maxDelay)
    {
        return new RandomGenerator()
        {
            @Override
            public long nextLong()
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound)
            {
                assertThat(bound).as("bound: up to the max delay, inclusive").isEqualTo(maxDelay.toMillis() + 1);
                return delay.toMillis();
            }
        };
    }

    // The workers of one pool as the coordinator lists them: a drain shows once its node refresh has seen it.
    private final class Pool
    {
        private final int workers;
        private final Duration refresh;
        private final List<Instant> drains = new ArrayList<>();

        Pool(int workers, Duration refresh)
        {
            this.workers = workers;
            this.refresh = refresh;
        }

        int listedActive()
        {
            return workers - (int) drains.stream().filter(at -> !at.plus(refresh).isAfter(clock.instant())).count();
        }
    }

    private final class PoolWorker
            implements WorkerApi
    {
        private final Pool pool;
        final List<NodeState> states = new ArrayList<>();
        int questions;

        PoolWorker(Pool pool)
        {
            this.pool = pool;
        }

        @Override
        public void setState(NodeState state)
        {
            if (state == NodeState.DRAINING) {
                pool.drains.add(clock.instant());
            }
            states.add(state);
        }

        @Override
        public void checkAccess() {}

        @Override
        public List<TaskSnapshot> tasks()
        {
            return List.of();
        }

        @Override
        public Optional<TaskSnapshot> task(String taskId)
        {
            return Optional.empty();
        }

        @Override
        public String failTask(String taskId, String message)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> stateSeenByCoordinator(Duration budget)
        {
            return Optional.empty();
        }

        @Override
        public int otherActiveWorkers()
        {
            questions++;
            // this worker is active when it asks
            return pool.listedActive() - 1;
        }
    }

    @Test
    void aCoordinatorTooBusyToAnswerOnceIsAskedAgain()
    {
        worker.activeWorkersError = new TrinoWorkerException("coordinator query did not finish within 2000 ms");
        worker.otherActiveWorkers = 3;
        rebalanceHandler(true, 2).onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).isEmpty();

        worker.activeWorkersError = null;
        scheduler.advance(WorkerDrainHandler.REBALANCE_COUNT_RETRY_INTERVAL);
        assertThat(worker.activeWorkerQuestions).isEqualTo(2);
        assertThat(worker.states).containsExactly(NodeState.DRAINING);
    }

    @Test
    void withoutAFloorRebalanceDrainsWithoutAskingTheCoordinator()
    {
        worker.activeWorkersError = new TrinoWorkerException("no coordinator to ask");
        rebalanceHandler(true, 0).onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.DRAINING);
        assertThat(worker.activeWorkerQuestions).isZero();
    }

    @Test
    void interruptionAfterRebalanceNeverGoesBackToActive()
    {
        Duration undrainAfter = Duration.ofMillis(300);
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), undrainAfter);
        handler.onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.DRAINING);

        scheduler.advance(Duration.ofMillis(100));
        handler.onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.DRAINING, NodeState.SHUTTING_DOWN);

        // Well past the time the undrain was due.
        scheduler.advance(undrainAfter.multipliedBy(10));
        assertThat(worker.states).containsExactly(NodeState.DRAINING, NodeState.SHUTTING_DOWN);
    }

    @Test
    void scheduledStopWithinLeadTimeDrainsNow()
    {
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(
                new ScheduledMaintenance("instance-event-1", "instance-stop", "stop", START.plusSeconds(60), Optional.empty(), START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void scheduledStopBeyondLeadTimeDrainsLeadTimeBeforeNotBefore()
    {
        // The lead time is 2 min: the drain starts at 3 min.
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(
                new ScheduledMaintenance("instance-event-4", "instance-stop", "stop", START.plusSeconds(300), Optional.empty(), START));
        scheduler.advance(Duration.ofMinutes(3).minus(MILLI));
        assertThat(worker.states).isEmpty();

        scheduler.advance(MILLI);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void maintenanceThatKeepsTheInstanceIsIgnored()
    {
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(
                new ScheduledMaintenance("instance-event-2", "system-maintenance", "network", START.plusSeconds(30), Optional.empty(), START));
        // Past NotBefore, and past when a drain with the 2 min lead time would have started.
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(worker.states).isEmpty();
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void secondInterruptionWithLaterDeadlineIsIgnored()
    {
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(spotNotice(Duration.ofSeconds(120)));
        // NotBefore 170 s: its drain would start at 50 s, with a deadline after the Spot notice's.
        handler.onEvent(new ScheduledMaintenance("instance-event-3", "instance-stop", "stop", START.plusSeconds(170), Optional.empty(), START));
        handler.onEvent(new RebalanceRecommendation(START, START));
        scheduler.runDue();
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);

        scheduler.advance(Duration.ofSeconds(60));
        assertThat(worker.taskPolls).as("the first drain went on").isGreaterThanOrEqualTo(2);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void spotNoticeWhoseTimeHasPassedStillShutsDownAndFailsTheTasks()
    {
        // A late or restarted agent, or a skewed clock: the instance is still here, so it goes away any moment.
        worker.tasks = List.of(running("finishes", START.minusSeconds(10), 10, 9), notStarted("fresh", START, 4));
        worker.failSetState = 2;
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", START.minusSeconds(30), START));
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(log.messages()).filteredOn(line -> line.contains("WARNING") && line.contains("deadline")).singleElement().asString()
                    .contains("Spot terminate notice", START.minusSeconds(30).toString(), "passed", START.toString());
        }
        assertThat(worker.states).as("retried, not tried once").containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.failed).containsExactlyInAnyOrder("finishes", "fresh");
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_at_deadline_total")).isEqualTo(2);
    }

    @Test
    void spotNoticeTimeFarInTheFutureIsTakenAsTwoMinutesFromFirstSeen()
    {
        // 810 s to go at 1.5 x: it would finish before a deadline an hour away, not before one two minutes away.
        worker.tasks = List.of(running("long", START.minusSeconds(60), 10, 1));
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", START.plus(Duration.ofHours(1)), START));
            scheduler.runDue();
            assertThat(log.messages()).filteredOn(line -> line.contains("WARNING")).singleElement().asString()
                    .contains(START.plus(Duration.ofHours(1)).toString(), "more than 2 min", START.plusSeconds(120).toString());
        }
        assertThat(worker.failed).containsExactly("long");
        assertThat(worker.messages.getFirst()).contains("reclaimed at " + START.plusSeconds(120));

        // The drain ends at the clamped deadline, not an hour later.
        scheduler.advance(Duration.ofMinutes(3));
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void scheduledEventWhoseNotBeforeHasPassedFailsTheTasks()
    {
        worker.tasks = List.of(running("finishes", START.minusSeconds(10), 10, 9));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(
                new ScheduledMaintenance("instance-event-late", "instance-stop", "stop", START.minusSeconds(60), Optional.empty(), START));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.failed).containsExactly("finishes");
    }

    @Test
    void eachScheduledEventDrainsAtItsOwnTime()
    {
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(new ScheduledMaintenance("instance-event-early", "instance-stop", "stop", START.plus(Duration.ofMinutes(10)), Optional.empty(), START));
        // Announced after the first, due after it: must not push the first one's drain back.
        handler.onEvent(new ScheduledMaintenance("instance-event-late", "instance-retirement", "retire", START.plus(Duration.ofMinutes(30)), Optional.empty(), START));
        scheduler.advance(Duration.ofMinutes(8).minus(MILLI));
        assertThat(worker.states).isEmpty();
        scheduler.advance(MILLI);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void aRuntimeExceptionInADrainStepDoesNotEndTheDrain()
    {
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.tasksRuntimeErrors = 2;
        try (LogCapture log = new LogCapture(WorkerDrainHandler.class)) {
            handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(spotNotice(Duration.ofSeconds(120)));
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(log.messages()).filteredOn(line -> line.startsWith("SEVERE")).hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("IllegalStateException", "drain"));
        }
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.failed).containsExactly("fresh");
    }

    @Test
    void canceledEventsDrainDoesNotStart()
    {
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(new ScheduledMaintenance("instance-event-1", "instance-stop", "stop", START.plus(Duration.ofMinutes(10)), Optional.empty(), START));
        handler.onEvent(new ScheduledMaintenance("instance-event-2", "instance-reboot", "reboot", START.plus(Duration.ofMinutes(20)), Optional.empty(), START));
        scheduler.advance(Duration.ofMinutes(1));
        handler.onEvent(new ScheduledMaintenanceCanceled("instance-event-1", "instance-stop", "canceled", clock.instant()));
        scheduler.advance(Duration.ofMinutes(17).minus(MILLI));
        assertThat(worker.states).as("the canceled event's drain was due at 8 min").isEmpty();
        scheduler.advance(MILLI);
        assertThat(worker.states).as("the other event's drain, at 18 min").containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void rescheduledEventDrainsAtItsNewTime()
    {
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(new ScheduledMaintenance("instance-event-1", "instance-stop", "stop", START.plus(Duration.ofMinutes(10)), Optional.empty(), START));
        handler.onEvent(new ScheduledMaintenance("instance-event-1", "instance-stop", "stop", START.plus(Duration.ofHours(2)), Optional.empty(), START));
        scheduler.advance(Duration.ofMinutes(118).minus(MILLI));
        assertThat(worker.states).isEmpty();
        scheduler.advance(MILLI);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    @Test
    void anErrorInADrainStepIsFatal()
    {
        List<Integer> exits = new ArrayList<>();
        worker.tasks = List.of(notStarted("fresh", START, 4));
        worker.tasksFatal = new InternalError("broken JVM");
        new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(Duration.ofSeconds(15), 1.5), POLL_INTERVAL, Duration.ZERO, Duration.ofSeconds(10), true,
                        Duration.ofMinutes(10), DEFAULT_FLOOR, Duration.ZERO, true, Duration.ofMinutes(2)),
                worker, metrics, clock, scheduler, new FatalErrors(exits::add))
                .onEvent(spotNotice(Duration.ofSeconds(120)));
        scheduler.runDue();
        assertThat(exits).containsExactly(FatalErrors.EXIT_STATUS);
    }

    private TaskSnapshot running(String id, Instant started, int total, int completed)
    {
        return new TaskSnapshot(id, "RUNNING", Optional.of(started), Duration.between(started, clock.instant()), total, 0, total - completed, 0, completed);
    }

    /** Just placed: its drivers are all queued, so it has lost nothing and the policy fails it early. */
    private TaskSnapshot notStarted(String id, Instant created, int total)
    {
        return new TaskSnapshot(id, "RUNNING", Optional.of(created), Duration.between(created, clock.instant()), total, total, 0, 0, 0);
    }

    private record Question(Instant at, Duration budget) {}

    // Called on the test's thread only: the handler runs on the manual scheduler.
    private static final class RecordingWorker
            implements WorkerApi
    {
        private final ManualClock clock;
        final List<NodeState> states = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final List<Instant> failedAt = new ArrayList<>();
        final List<Integer> failedAfterListings = new ArrayList<>();
        final List<Integer> readsWhenFailed = new ArrayList<>();
        final List<String> finishedMeanwhile = new ArrayList<>();
        int failSetState;
        // Listings that throw an unchecked exception, as a bug in reading an answer would.
        int tasksRuntimeErrors;
        Error tasksFatal;
        int taskPolls;
        int taskReads;
        int coordinatorQuestions;
        int readsWhenCoordinatorConfirmed;
        List<TaskSnapshot> tasks = List.of();
        // What a task's own read answers where it differs from the list (which is summarized on a real worker).
        final Map<String, TaskSnapshot> detailed = new HashMap<>();
        TrinoWorkerException tasksError;
        // Thrown once each, in order, by the next reads.
        final java.util.Deque<TrinoWorkerException> nextReadErrors = new java.util.ArrayDeque<>();
        Instant shutdownAt;
        // Empty: no coordinator to ask. Otherwise it lists the worker as shut down this long after SHUTTING_DOWN.
        Optional<Duration> coordinatorSeesShutdownAfter = Optional.empty();
        TrinoWorkerException coordinatorError;
        Duration coordinatorAnswersIn = Duration.ZERO;
        // Runs while the drain's thread waits for the coordinator's answer, as other threads do.
        Runnable whileCoordinatorAnswers = () -> {};
        // Runs as the worker takes SHUTTING_DOWN, as the coordinator may do.
        Runnable beforeShutdown = () -> {};
        int taskPollsAtShutdown = -1;
        int taskPollsWhenCoordinatorFirstAnswered = -1;
        final List<Question> coordinatorBudgets = new ArrayList<>();
        int otherActiveWorkers = 5;
        Optional<QueryEstimates> estimates = Optional.empty();
        TrinoWorkerException estimatesError;
        final List<String> estimateQuestions = new ArrayList<>();
        int activeWorkerQuestions;
        TrinoWorkerException activeWorkersError;

        RecordingWorker(ManualClock clock)
        {
            this.clock = clock;
        }

        @Override
        public void setState(NodeState state)
                throws TrinoWorkerException
        {
            if (failSetState-- > 0) {
                throw new TrinoWorkerException("connection refused");
            }
            if (state == NodeState.SHUTTING_DOWN && taskPollsAtShutdown < 0) {
                beforeShutdown.run();
                taskPollsAtShutdown = taskPolls;
            }
            states.add(state);
            if (state == NodeState.SHUTTING_DOWN) {
                shutdownAt = clock.instant();
            }
        }

        @Override
        public void checkAccess()
        {
            // the drain never checks
        }

        @Override
        public Optional<String> stateSeenByCoordinator(Duration budget)
                throws TrinoWorkerException
        {
            coordinatorQuestions++;
            coordinatorBudgets.add(new Question(clock.instant(), budget));
            if (coordinatorError != null) {
                throw coordinatorError;
            }
            // The drain's thread waits for the answer: the time it takes passes on the drain's clock.
            if (coordinatorAnswersIn.compareTo(budget) > 0) {
                clock.advance(budget);
                throw new TrinoWorkerException(TrinoWorkerException.Failure.TIMED_OUT, "coordinator query did not finish within " + budget.toMillis() + " ms");
            }
            whileCoordinatorAnswers.run();
            clock.advance(coordinatorAnswersIn);
            if (taskPollsWhenCoordinatorFirstAnswered < 0) {
                taskPollsWhenCoordinatorFirstAnswered = taskPolls;
            }
            Optional<String> state = coordinatorSeesShutdownAfter.map(after -> clock.instant().isBefore(shutdownAt.plus(after)) ? "active" : "shutting_down");
            if (state.equals(Optional.of("shutting_down")) && readsWhenCoordinatorConfirmed == 0) {
                readsWhenCoordinatorConfirmed = taskPolls + taskReads;
            }
            return state;
        }

        @Override
        public Optional<QueryEstimates> queryEstimates(String queryId, Duration budget)
                throws TrinoWorkerException
        {
            estimateQuestions.add(queryId);
            if (estimatesError != null) {
                throw estimatesError;
            }
            return estimates;
        }

        @Override
        public int otherActiveWorkers()
                throws TrinoWorkerException
        {
            activeWorkerQuestions++;
            if (activeWorkersError != null) {
                throw activeWorkersError;
            }
            return otherActiveWorkers;
        }

        @Override
        public List<TaskSnapshot> tasks()
                throws TrinoWorkerException
        {
            taskPolls++;
            if (tasksFatal != null) {
                throw tasksFatal;
            }
            if (tasksRuntimeErrors > 0) {
                tasksRuntimeErrors--;
                throw new IllegalStateException("bug while reading the task list");
            }
            if (!nextReadErrors.isEmpty()) {
                throw nextReadErrors.removeFirst();
            }
            if (tasksError != null) {
                throw tasksError;
            }
            // A failed task is gone from the running set, as on a real worker.
            return tasks.stream().filter(task -> !failed.contains(task.taskId())).toList();
        }

        @Override
        public Optional<TaskSnapshot> task(String taskId)
                throws TrinoWorkerException
        {
            taskReads++;
            if (!nextReadErrors.isEmpty()) {
                throw nextReadErrors.removeFirst();
            }
            if (tasksError != null) {
                throw tasksError;
            }
            return tasks.stream()
                    .filter(task -> task.taskId().equals(taskId))
                    .findFirst()
                    .map(task -> detailed.getOrDefault(taskId, task))
                    // A failed task reads as FAILED, as on a real worker.
                    .map(task -> failed.contains(taskId) ? new TaskSnapshot(taskId, "FAILED", task.startedAt(), task.elapsed(), task.totalDrivers(), 0, 0, 0, task.completedDrivers()) : task);
        }

        @Override
        public String failTask(String taskId, String message)
        {
            failedAfterListings.add(taskPolls);
            failedAt.add(clock.instant());
            readsWhenFailed.add(taskPolls + taskReads);
            failed.add(taskId);
            messages.add(message);
            // A task that finished since the listing stays finished, as on a real worker.
            return finishedMeanwhile.contains(taskId) ? "FINISHED" : "FAILED";
        }
    }
}
