package io.trinospot.watcher.drain;

import io.trinospot.watcher.Await;
import io.trinospot.watcher.monitor.RebalanceRecommendation;
import io.trinospot.watcher.monitor.ScheduledMaintenance;
import io.trinospot.watcher.monitor.SpotInterruption;
import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.watcher.trino.NodeState;
import io.trinospot.watcher.trino.TaskSnapshot;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TestWorkerDrainHandler
{
    private final RecordingWorker worker = new RecordingWorker();
    private final WatcherMetrics metrics = new WatcherMetrics();
    private WorkerDrainHandler handler;

    @AfterEach
    void tearDown()
    {
        if (handler != null) {
            handler.close();
        }
    }

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
        handler = new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(new DrainPolicy(margin, 1.5), Duration.ofMillis(50), earlyFailDelay, earlyFailMaxDelay, true, undrainAfter, true,
                        Duration.ofMinutes(2)),
                worker, metrics, InstantSource.system());
        return handler;
    }

    @Test
    void spotNoticeShutsDownAndFailsOnlyTasksThatCannotFinish()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(
                running("finishes", now.minusSeconds(10), 10, 9),
                running("doomed", now.minusSeconds(60), 10, 1),
                running("fresh", now, 4, 0));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("doomed and fresh tasks failed", () -> worker.failed.size() == 2);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
        assertThat(worker.failed).containsExactlyInAnyOrder("doomed", "fresh");
        assertThat(worker.messages).allSatisfy(message -> assertThat(message).contains("Spot interruption"));
        Await.until("the finishing task was counted", () -> metrics.counter("trinospot_watcher_tasks_let_finish_total") == 1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(2);
        assertThat(metrics.render()).contains("trinospot_watcher_notice_to_state_change_seconds_count 1");
    }

    @Test
    void earlyFailuresWaitForTheCoordinatorToSeeTheShutdown()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(600))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("SHUTTING_DOWN set", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
        Instant stateSet = Instant.now();
        Await.until("the task read a few times", () -> worker.taskPolls.get() + worker.taskReads.get() >= 3);
        assertThat(worker.failed).as("failed during the hold").isEmpty();
        Await.until("the task failed once the hold is over", () -> worker.failed.contains("fresh"));
        assertThat(Duration.between(stateSet, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(1);
    }

    @Test
    void earlyFailuresStartAsSoonAsTheCoordinatorListsTheWorkerAsShutDown()
            throws InterruptedException
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofMillis(700));
        // Without an answer from the coordinator the hold would be 5 s.
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("SHUTTING_DOWN set", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
        Await.until("the task failed", () -> worker.failed.contains("fresh"));
        Duration afterStateChange = Duration.between(worker.shutdownAt, worker.failedAt.get(0));
        assertThat(afterStateChange).isBetween(Duration.ofMillis(700), Duration.ofSeconds(3));
        assertThat(metrics.lastCoordinatorSawShutdown()).hasValueSatisfying(latency -> assertThat(latency).isBetween(Duration.ofMillis(700), Duration.ofSeconds(3)));
        assertThat(metrics.render()).contains("trinospot_watcher_coordinator_saw_shutdown_seconds ");
        int asked = worker.coordinatorQuestions.get();
        assertThat(asked).as("asked every 250 ms until it answered").isBetween(2, 12);
        Thread.sleep(500);
        assertThat(worker.coordinatorQuestions.get()).as("not asked again once it answered").isEqualTo(asked);
    }

    @Test
    void heldTasksAreFailedOnTheCoordinatorsAnswerWithoutReadingThemAgain()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofMillis(400));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the task failed", () -> worker.failed.contains("fresh"));
        assertThat(worker.readsWhenCoordinatorConfirmed.get()).isPositive();
        assertThat(worker.readsWhenFailed).containsExactly(worker.readsWhenCoordinatorConfirmed.get());
    }

    @Test
    void whileTheCoordinatorStillListsTheWorkerAsActiveTasksAreHeldUpToTheLongestHold()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        worker.coordinatorSeesShutdownAfter = Optional.of(Duration.ofHours(1));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(100), Duration.ofMillis(1200))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the task failed", () -> worker.failed.contains("fresh"));
        // Not after the 100 ms fallback hold: the coordinator answered, and it still placed work here.
        assertThat(Duration.between(worker.shutdownAt, worker.failedAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(1150));
        assertThat(metrics.lastCoordinatorSawShutdown()).isEmpty();
    }

    @Test
    void whenTheCoordinatorCannotBeAskedTheFixedHoldApplies()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        worker.coordinatorError = new TrinoWorkerException("GET /v1/statement answered 401");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(600), Duration.ofSeconds(30))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the task failed", () -> worker.failed.contains("fresh"));
        assertThat(Duration.between(worker.shutdownAt, worker.failedAt.get(0))).isBetween(Duration.ofMillis(550), Duration.ofSeconds(5));
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "coordinator-state")).isPositive();
    }

    @Test
    void betweenFullListingsOnlyLiveTasksAreRead()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("finishes", now.minusSeconds(10), 10, 9));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the task re-read on its own several times", () -> worker.taskReads.get() >= 4);
        // Ticks every 50 ms; the full list only every 5 s.
        assertThat(worker.taskPolls.get()).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
    }

    @Test
    void heldTasksAreFailedFromAQuickReadWhenTheHoldEnds()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMillis(300))
                .onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the task failed once the hold is over", () -> worker.failed.contains("fresh"));
        // The listing at the start found it; it was failed from its own read, not after another full listing.
        assertThat(worker.failedAfterListings).containsExactly(1);
    }

    @Test
    void failingAtTheCutoffIsNotHeldBack()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("late", now.minusSeconds(5), 4, 1));
        // The cutoff (deadline - 2 s) has already passed; a 10 s hold must not keep the task running.
        handler(Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(10))
                .onEvent(new SpotInterruption("terminate", now.plusMillis(1500), now));
        Await.until("the task failed at the cutoff", () -> worker.failed.contains("late"));
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_at_deadline_total")).isEqualTo(1);
    }

    @Test
    void taskThatFinishedBeforeTheFailRequestIsNotCountedAsFailed()
    {
        Instant now = Instant.now();
        worker.tasks = List.of(running("fresh", now, 4, 0), running("just-done", now, 4, 0));
        worker.finishedMeanwhile.add("just-done");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("both fail requests sent", () -> worker.failed.size() == 2);
        Await.until("the finished one counted", () -> metrics.counter("trinospot_watcher_tasks_ended_before_fail_total") == 1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isEqualTo(1);
        assertThat(worker.failed).containsExactlyInAnyOrder("fresh", "just-done");
    }

    @Test
    void whateverStillRunsFailsAtDeadlineMinusMargin()
    {
        Instant now = Instant.now();
        // Flushing tasks are let finish, but not past the cutoff.
        worker.tasks = List.of(new TaskSnapshot("slowpoke", "FLUSHING", Optional.of(now.minusSeconds(10)), Duration.ofSeconds(10), 10, 0, 0, 0, 10));
        handler(Duration.ofSeconds(2), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusMillis(2500), now));
        Await.until("the task is failed at the cutoff", () -> worker.failed.contains("slowpoke"));
        assertThat(metrics.counter("trinospot_watcher_tasks_let_finish_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_at_deadline_total")).isEqualTo(1);
        assertThat(metrics.counter("trinospot_watcher_tasks_failed_early_total")).isZero();
        assertThat(worker.failed).containsExactly("slowpoke");
    }

    @Test
    void drainEndsWithoutErrorsOnceTheWorkerHasExited()
            throws InterruptedException
    {
        Instant now = Instant.now();
        worker.tasksError = new TrinoWorkerException("GET /v1/task: refused", new java.net.ConnectException("Connection refused"));
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("the drain saw the worker gone", () -> metrics.counter("trinospot_watcher_worker_exited_total") == 1);
        int polls = worker.taskPolls.get();
        Thread.sleep(300); // six drain ticks of 50 ms

        assertThat(worker.taskPolls.get()).as("no polling after the worker exited").isEqualTo(polls);
        assertThat(metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks")).isZero();
    }

    @Test
    void otherTaskListErrorsAreCountedAndRetried()
    {
        Instant now = Instant.now();
        worker.tasksError = new TrinoWorkerException("GET /v1/task answered 500");
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        Await.until("errors counted on several ticks", () -> metrics.counter("trinospot_watcher_trino_errors_total", "operation", "list-tasks") >= 3);
        assertThat(metrics.counter("trinospot_watcher_worker_exited_total")).isZero();
    }

    @Test
    void stateChangeIsRetriedUntilTheWorkerAcceptsIt()
    {
        worker.failSetState.set(3);
        Instant now = Instant.now();
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(new SpotInterruption("stop", now.plusSeconds(120), now));
        Await.until("SHUTTING_DOWN accepted", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
        assertThat(metrics.counter("trinospot_watcher_state_change_failures_total", "state", "SHUTTING_DOWN")).isEqualTo(3);
    }

    @Test
    void rebalanceDrainsThenReturnsToActive()
    {
        handler(Duration.ofSeconds(15), Duration.ofMillis(300)).onEvent(new RebalanceRecommendation(Instant.now(), Instant.now()));
        Await.until("back to ACTIVE", () -> worker.states.size() == 2);
        assertThat(worker.states).containsExactly(NodeState.DRAINING, NodeState.ACTIVE);
    }

    @Test
    void interruptionAfterRebalanceNeverGoesBackToActive()
    {
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMillis(300));
        Instant now = Instant.now();
        handler.onEvent(new RebalanceRecommendation(now, now));
        Await.until("DRAINING", () -> worker.states.contains(NodeState.DRAINING));
        handler.onEvent(new SpotInterruption("terminate", now.plusSeconds(120), Instant.now()));
        Await.until("SHUTTING_DOWN", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
        // Let the undrain time pass, then check nothing stepped back.
        Instant undrainDue = now.plusMillis(300);
        Await.until("undrain time passed", () -> Instant.now().isAfter(undrainDue.plusMillis(200)));
        assertThat(worker.states).containsExactly(NodeState.DRAINING, NodeState.SHUTTING_DOWN);
    }

    @Test
    void scheduledStopWithinLeadTimeDrainsNow()
    {
        Instant now = Instant.now();
        handler(Duration.ofSeconds(15), Duration.ofMinutes(10)).onEvent(
                new ScheduledMaintenance("instance-event-1", "instance-stop", "stop", now.plusSeconds(60), Optional.empty(), now));
        Await.until("SHUTTING_DOWN", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
    }

    @Test
    void maintenanceThatKeepsTheInstanceIsIgnored()
    {
        Instant now = Instant.now();
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(new ScheduledMaintenance("instance-event-2", "system-maintenance", "network", now.plusSeconds(30), Optional.empty(), now));
        // A later rebalance still works: proves the handler thread processed (and ignored) the maintenance event first.
        handler.onEvent(new RebalanceRecommendation(now, now));
        Await.until("DRAINING", () -> worker.states.contains(NodeState.DRAINING));
        assertThat(worker.states).containsExactly(NodeState.DRAINING);
    }

    @Test
    void secondInterruptionWithLaterDeadlineIsIgnored()
    {
        Instant now = Instant.now();
        WorkerDrainHandler handler = handler(Duration.ofSeconds(15), Duration.ofMinutes(10));
        handler.onEvent(new SpotInterruption("terminate", now.plusSeconds(120), now));
        handler.onEvent(new ScheduledMaintenance("instance-event-3", "instance-stop", "stop", now.plusSeconds(110).plusSeconds(60), Optional.empty(), now));
        handler.onEvent(new RebalanceRecommendation(now, now));
        Await.until("SHUTTING_DOWN", () -> worker.states.contains(NodeState.SHUTTING_DOWN));
        Await.until("tasks were polled twice", () -> worker.taskPolls.get() >= 2);
        assertThat(worker.states).containsExactly(NodeState.SHUTTING_DOWN);
    }

    private static TaskSnapshot running(String id, Instant started, int total, int completed)
    {
        return new TaskSnapshot(id, "RUNNING", Optional.of(started), Duration.between(started, Instant.now()), total, 0, total - completed, 0, completed);
    }

    private static final class RecordingWorker
            implements WorkerApi
    {
        final List<NodeState> states = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger failSetState = new AtomicInteger();
        final AtomicInteger taskPolls = new AtomicInteger();
        final AtomicInteger taskReads = new AtomicInteger();
        final List<Integer> failedAfterListings = new CopyOnWriteArrayList<>();
        final List<String> finishedMeanwhile = new CopyOnWriteArrayList<>();
        volatile List<TaskSnapshot> tasks = List.of();
        volatile TrinoWorkerException tasksError;
        final List<Instant> failedAt = new CopyOnWriteArrayList<>();
        volatile Instant shutdownAt;
        // Empty: no coordinator to ask. Otherwise it lists the worker as shut down this long after SHUTTING_DOWN.
        volatile Optional<Duration> coordinatorSeesShutdownAfter = Optional.empty();
        volatile TrinoWorkerException coordinatorError;
        final AtomicInteger coordinatorQuestions = new AtomicInteger();
        final AtomicInteger readsWhenCoordinatorConfirmed = new AtomicInteger();
        final List<Integer> readsWhenFailed = new CopyOnWriteArrayList<>();

        @Override
        public void setState(NodeState state)
                throws TrinoWorkerException
        {
            if (failSetState.getAndDecrement() > 0) {
                throw new TrinoWorkerException("connection refused");
            }
            states.add(state);
            if (state == NodeState.SHUTTING_DOWN) {
                shutdownAt = Instant.now();
            }
        }

        @Override
        public Optional<String> stateSeenByCoordinator()
                throws TrinoWorkerException
        {
            coordinatorQuestions.incrementAndGet();
            if (coordinatorError != null) {
                throw coordinatorError;
            }
            Optional<String> state = coordinatorSeesShutdownAfter.map(after -> Instant.now().isBefore(shutdownAt.plus(after)) ? "active" : "shutting_down");
            if (state.equals(Optional.of("shutting_down"))) {
                readsWhenCoordinatorConfirmed.compareAndSet(0, taskPolls.get() + taskReads.get());
            }
            return state;
        }

        @Override
        public List<TaskSnapshot> tasks()
                throws TrinoWorkerException
        {
            taskPolls.incrementAndGet();
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
            taskReads.incrementAndGet();
            if (tasksError != null) {
                throw tasksError;
            }
            return tasks.stream()
                    .filter(task -> task.taskId().equals(taskId))
                    .findFirst()
                    // A failed task reads as FAILED, as on a real worker.
                    .map(task -> failed.contains(taskId) ? new TaskSnapshot(taskId, "FAILED", task.startedAt(), task.elapsed(), task.totalDrivers(), 0, 0, 0, task.completedDrivers()) : task);
        }

        @Override
        public String failTask(String taskId, String message)
        {
            failedAfterListings.add(taskPolls.get());
            failedAt.add(Instant.now());
            readsWhenFailed.add(taskPolls.get() + taskReads.get());
            failed.add(taskId);
            messages.add(message);
            // A task that finished since the listing stays finished, as on a real worker.
            return finishedMeanwhile.contains(taskId) ? "FINISHED" : "FAILED";
        }
    }
}
