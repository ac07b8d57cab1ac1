package io.trinospot.watcher.drain;

import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.watcher.trino.PipelineProgress;
import io.trinospot.watcher.trino.QueryEstimates;
import io.trinospot.watcher.trino.TaskId;
import io.trinospot.watcher.trino.TaskSnapshot;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The task side of one drain: on each tick, reads the worker's tasks, applies the policy and fails the tasks
 * it says to fail. The full task list (which holds every task the worker retains, finished ones for task.info.max-age)
 * is read every few seconds to find new tasks; in between, only the live tasks are read, one by one, so a busy
 * worker's long list does not slow down the decisions. Decisions are made on those one-by-one reads, which carry
 * each task's pipeline statistics. Each task is failed at most once and counted once. Not thread-safe: ticked from one thread.
 */
final class TaskDrain
{
    private static final System.Logger LOG = System.getLogger(TaskDrain.class.getName());

    private static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(5);
    // The planner's estimates are asked once per query, off the drain's thread: a running query's QueryInfo takes
    // seconds from a loaded coordinator, and its tasks are judged by their driver counts until the answer is in.
    private static final Duration ESTIMATES_BUDGET = Duration.ofSeconds(20);
    // An early failure cannot be taken back: one that a scan task's driver counts call for waits this long for its
    // query's estimates, which may show the task nearly done. Failing at the cutoff never waits.
    private static final Duration ESTIMATES_WAIT = Duration.ofSeconds(2);
    // Done states a fail request does not change: the task was not failed by us.
    private static final Set<String> ENDED_OTHERWISE = Set.of("FINISHED", "CANCELED", "ABORTED");

    private final String cause;
    private final Instant deadline;
    private final DrainPolicy policy;
    private final WorkerApi worker;
    private final WatcherMetrics metrics;
    private final Set<String> failed = new HashSet<>();
    private final Set<String> letFinish = new HashSet<>();
    private final Set<String> held = new HashSet<>();
    // Tasks not yet done as of the last read, by id, in listing order.
    private final Map<String, TaskSnapshot> live = new LinkedHashMap<>();
    // By query id, asked once; completed on the questions' thread.
    private final Map<String, EstimatesQuestion> estimates = new HashMap<>();
    // Scan tasks whose query's estimates were asked moments ago and are not in yet; as of the last decision.
    private final Set<String> awaitingEstimates = new HashSet<>();
    private final Set<String> heldForEstimates = new HashSet<>();
    // Query ids whose failed answer has been counted (on the drain's thread, like every other metric of the drain).
    private final Set<String> estimateFailuresSeen = new HashSet<>();
    private final Executor questions;
    private final Executor drainThread;
    private final InstantSource clock;
    private Instant nextDiscovery = Instant.MIN;
    // The first full list, started off the drain's thread at the notice; taken by the first read.
    private FirstListRead firstList;
    // Set on the drain's thread when the worker took SHUTTING_DOWN; read by the first list's thread.
    private final AtomicBoolean shutdownTaken = new AtomicBoolean();
    private final Duration earlyFailDelay;
    private final Duration earlyFailMaxDelay;
    private Instant earlyFailsFrom;
    private Instant shutdownAt;
    private boolean askCoordinator;
    private int coordinatorErrors;
    private int coordinatorTimeouts;
    private Instant nextCoordinatorQuestion = Instant.MIN;
    private int listFailures;
    // Set on the drain's thread once the drain is over (deadline passed, worker gone, or replaced).
    private boolean ended;
    // A worker call that broke off and is not counted yet: if the next call finds nothing listening, the worker went
    // away in the middle of its answer (its graceful exit, or the end of the instance), which is what a drain waits
    // for, not an API error.
    private BrokenCall brokenCall;

    private record BrokenCall(String operation, String warning) {}

    // What the coordinator said about a query's estimates: them, nothing (it does not know them), or why it could not.
    private record EstimatesAnswer(Optional<QueryEstimates> estimates, Optional<String> problem) {}

    private record EstimatesQuestion(CompletableFuture<EstimatesAnswer> answer, Instant askedAt) {}

    /**
     * Until the coordinator has seen SHUTTING_DOWN (it polls workers on its own schedule, every 5 s in Trino 483), it
     * may put a failed task's retry right back on this worker. So no task is failed early until the coordinator lists
     * this worker as no longer active, asked every {@link WorkerDrainHandler#COORDINATOR_CHECK_INTERVAL}; failing at
     * the cutoff is never held back.
     *
     * @param earlyFailDelay the hold when the coordinator cannot be asked (not configured, errors, or it does not
     * list this worker)
     * @param earlyFailMaxDelay the longest hold while the coordinator still lists this worker as active
     * @param questions reads the planner's estimates of a query, which must not hold up the drain's thread
     * @param drainThread runs a step on the drain's thread between its ticks: the decision an answer of the planner's
     * estimates calls for is made when it arrives, not up to a task poll interval later
     */
    TaskDrain(String cause, Instant deadline, Duration earlyFailDelay, Duration earlyFailMaxDelay, DrainPolicy policy, WorkerApi worker, WatcherMetrics metrics,
            InstantSource clock, Executor questions, Executor drainThread)
    {
        this.questions = requireNonNull(questions, "questions is null");
        this.drainThread = requireNonNull(drainThread, "drainThread is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.earlyFailDelay = requireNonNull(earlyFailDelay, "earlyFailDelay is null");
        this.earlyFailMaxDelay = requireNonNull(earlyFailMaxDelay, "earlyFailMaxDelay is null");
        this.earlyFailsFrom = deadline;
        this.cause = requireNonNull(cause, "cause is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.worker = requireNonNull(worker, "worker is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    private static boolean refused(Throwable error)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    Instant deadline()
    {
        return deadline;
    }

    String cause()
    {
        return cause;
    }

    Instant earlyFailsFrom()
    {
        return earlyFailsFrom;
    }

    /**
     * Starts the first full task list off the drain's thread, at the notice: the list takes seconds on a busy worker,
     * and so do the state change (a busy worker is slow to answer that too) and the coordinator's first answer (the
     * announcement), which the drain's thread waits for before it reads tasks; one after the other, they delayed
     * every early failure. A list requested before the worker took SHUTTING_DOWN may miss a task placed just before;
     * the drain lists again once it has judged this one.
     */
    void startFirstList()
    {
        firstList = new FirstListRead(worker, clock, shutdownTaken);
        try {
            questions.execute(firstList);
        }
        catch (RejectedExecutionException e) {
            // The agent is stopping; the first read reads the list itself.
        }
    }

    /** The worker took SHUTTING_DOWN at {@code at}; ticks may start. */
    void shutdownAccepted(Instant at)
    {
        shutdownAt = at;
        shutdownTaken.set(true);
        earlyFailsFrom = at.plus(earlyFailMaxDelay);
        askCoordinator = true;
    }

    /**
     * One read of the full task list that either the questions' thread or the drain's thread makes, whichever comes
     * first: the drain never waits for a read that has not started (on a busy or single-threaded executor it may
     * never start in time), and the list is never read twice.
     */
    static final class FirstListRead
            implements Runnable
    {
        private final WorkerApi worker;
        private final InstantSource clock;
        private final AtomicBoolean started = new AtomicBoolean();
        private final CompletableFuture<List<TaskSnapshot>> tasks = new CompletableFuture<>();
        private final Instant createdAt;
        private final AtomicBoolean shutdownTaken;
        private volatile boolean requestedBeforeShutdown;
        private volatile Duration took = Duration.ZERO;

        FirstListRead(WorkerApi worker, InstantSource clock, AtomicBoolean shutdownTaken)
        {
            this.worker = worker;
            this.clock = clock;
            this.createdAt = clock.instant();
            this.shutdownTaken = shutdownTaken;
        }

        @Override
        public void run()
        {
            if (claim()) {
                try {
                    tasks.complete(readTimed());
                }
                catch (TrinoWorkerException | RuntimeException e) {
                    // Handed to the drain's thread, which handles it as it handles its own reads' failures.
                    tasks.completeExceptionally(e);
                }
                catch (Error e) {
                    tasks.completeExceptionally(e);
                    throw e;
                }
            }
        }

        private List<TaskSnapshot> readTimed()
                throws TrinoWorkerException
        {
            requestedBeforeShutdown = !shutdownTaken.get();
            Instant requestedAt = clock.instant();
            List<TaskSnapshot> list = worker.tasks();
            took = Duration.between(requestedAt, clock.instant());
            return list;
        }

        // Whether the caller is the one to read.
        private boolean claim()
        {
            return started.compareAndSet(false, true);
        }

        List<TaskSnapshot> take()
                throws TrinoWorkerException
        {
            if (claim()) {
                return readTimed();
            }
            try {
                return tasks.join();
            }
            catch (CompletionException e) {
                switch (e.getCause()) {
                    case TrinoWorkerException error -> throw error;
                    case RuntimeException error -> throw error;
                    case Error error -> throw error;
                    default -> throw e;
                }
            }
        }

        /** Whether the list was asked for before the worker took SHUTTING_DOWN. */
        boolean requestedBeforeShutdown()
        {
            return requestedBeforeShutdown;
        }

        /** From the drain's start to the list in hand, and how long the request itself took. */
        String timing(Instant now)
        {
            return "%d ms after the drain started (the request took %d ms)".formatted(Duration.between(createdAt, now).toMillis(), took.toMillis());
        }
    }

    /** Whether the drain is still waiting for the coordinator to list the worker as shut down. */
    boolean awaitingCoordinator()
    {
        return askCoordinator;
    }

    private void askCoordinator()
    {
        if (!clock.instant().isBefore(policy.cutoff(deadline))) {
            // From the cutoff on every task that is still running is failed, hold or not.
            askCoordinator = false;
            return;
        }
        if (!clock.instant().isBefore(earlyFailsFrom)) {
            askCoordinator = false;
            if (coordinatorErrors > 0) {
                LOG.log(System.Logger.Level.INFO, "drain for {0}: the coordinator could not be asked ({1} errors); failing tasks early from now on",
                        cause, String.valueOf(coordinatorErrors));
            }
            else if (coordinatorTimeouts > 0) {
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: the coordinator did not answer in time ({1} questions) up to the longest hold, {2}; failing tasks early from now on",
                        cause, String.valueOf(coordinatorTimeouts), earlyFailsFrom);
            }
            else {
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: the coordinator still lists this worker as active at {1}; failing tasks early from now on",
                        cause, earlyFailsFrom);
            }
            return;
        }
        Optional<String> state;
        Instant asked = clock.instant();
        try {
            state = worker.stateSeenByCoordinator(questionBudget(asked));
        }
        catch (TrinoWorkerException e) {
            metrics.trinoError("coordinator-state");
            if (e.failure() == TrinoWorkerException.Failure.TIMED_OUT) {
                // Slow, not absent: the retries of tasks failed now would be placed by that same coordinator, which
                // may not have seen the shutdown yet. So it is asked again, and the hold ends at its answer or at the
                // longest hold; falling back to the fixed hold is for a coordinator that cannot be asked at all.
                if (coordinatorTimeouts++ == 0) {
                    LOG.log(System.Logger.Level.WARNING, "drain for {0}: the coordinator did not say in time how it sees this worker ({1}); asking again, tasks are failed early from {2} at the latest",
                            cause, e.getMessage(), earlyFailsFrom);
                }
                return;
            }
            if (coordinatorErrors++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: cannot ask the coordinator how it sees this worker ({1}); tasks are failed early from {2} at the latest",
                        cause, e.getMessage(), capHold());
            }
            return;
        }
        Instant answered = clock.instant();
        if (state.isEmpty()) {
            askCoordinator = false;
            LOG.log(System.Logger.Level.INFO, "drain for {0}: no coordinator to ask about this worker (not configured, or it does not list it); tasks are failed early from {1}",
                    cause, capHold());
            return;
        }
        if (!state.get().equalsIgnoreCase("active")) {
            askCoordinator = false;
            Duration seenAfter = Duration.between(shutdownAt, answered);
            metrics.coordinatorSawShutdown(seenAfter);
            endHoldBy(answered);
            LOG.log(System.Logger.Level.INFO, "drain for {0}: the coordinator lists this worker as {1}, {2} ms after SHUTTING_DOWN (answered in {3} ms); no retry will be placed here",
                    cause, state.get(), String.valueOf(seenAfter.toMillis()), String.valueOf(Duration.between(asked, answered).toMillis()));
        }
    }

    /**
     * The drain's thread waits for the answer, so a question may take until the next moment the drain must act on
     * time: the cutoff, the end of the hold, and, while it is ahead, the end of the fixed hold (a question that fails
     * other than by a timeout falls back to it, and must not push it back). Nothing else is due before then, and a late
     * answer is still worth having: asking again would start the same query over on a coordinator that is already slow.
     */
    private Duration questionBudget(Instant now)
    {
        Instant due = earliest(policy.cutoff(deadline), earlyFailsFrom);
        Instant fallbackEnd = shutdownAt.plus(earlyFailDelay);
        if (fallbackEnd.isAfter(now)) {
            due = earliest(due, fallbackEnd);
        }
        // Positive: asked only before the cutoff and the end of the hold.
        return Duration.between(now, due);
    }

    private static Instant earliest(Instant a, Instant b)
    {
        return a.isBefore(b) ? a : b;
    }

    // Falls back to the fixed hold; returns when early fails start.
    private Instant capHold()
    {
        endHoldBy(shutdownAt.plus(earlyFailDelay));
        return earlyFailsFrom;
    }

    private void endHoldBy(Instant end)
    {
        if (end.isBefore(earlyFailsFrom)) {
            earlyFailsFrom = end;
            // Tasks placed here during the hold are looked for when it ends, as when it runs its full length.
            if (end.isBefore(nextDiscovery)) {
                nextDiscovery = end;
            }
        }
    }

    /**
     * @return whether there is more to do (the deadline has not passed)
     */
    boolean tick(Instant now)
    {
        // At or after the deadline one last pass still fails whatever runs: the instance is still here, so its
        // tasks can still be retried elsewhere (and a drain that starts late starts here).
        boolean last = !now.isBefore(deadline);
        if (!pass()) {
            ended = true;
            return false;
        }
        if (last) {
            LOG.log(System.Logger.Level.INFO, "drain for {0}: deadline {1} passed; done", cause, deadline);
            end();
            return false;
        }
        return true;
    }

    /** Counts what this drain has not judged yet; called when it ends or is replaced. */
    void end()
    {
        ended = true;
        settleBrokenCall();
    }

    private void settleBrokenCall()
    {
        if (brokenCall != null) {
            metrics.trinoError(brokenCall.operation());
            if (brokenCall.warning() != null) {
                LOG.log(System.Logger.Level.WARNING, brokenCall.warning());
            }
            brokenCall = null;
        }
    }

    /** Counts the failure at once when the worker answered (an error status), else once the next call tells why. */
    private void callFailed(String operation, TrinoWorkerException error, String warning)
    {
        settleBrokenCall();
        brokenCall = new BrokenCall(operation, warning);
        if (!(error.getCause() instanceof IOException)) {
            settleBrokenCall();
        }
    }

    private boolean pass()
    {
        askCoordinatorIfDue();
        // First the tasks already known, one small request each, so they are judged on time; then, now and then,
        // the full list, which finds tasks that arrived since (until the coordinator sees the shutdown) but holds
        // every task the worker retains and can take seconds on a busy worker. The coordinator is asked again
        // between the reads, so a read does not delay noticing the end of the hold.
        if (!read(false)) {
            return false;
        }
        askCoordinatorIfDue();
        decide(clock.instant());
        if (!clock.instant().isBefore(nextDiscovery)) {
            if (!read(true)) {
                return false;
            }
            askCoordinatorIfDue();
            decide(clock.instant());
        }
        return true;
    }

    private void askCoordinatorIfDue()
    {
        Instant now = clock.instant();
        if (askCoordinator && !now.isBefore(nextCoordinatorQuestion)) {
            nextCoordinatorQuestion = now.plus(WorkerDrainHandler.COORDINATOR_CHECK_INTERVAL);
            askCoordinator();
            if (!askCoordinator) {
                // The hold just ended: the held tasks were judged moments ago, so they are failed now, before the
                // next read (a second or more on a loaded worker) delays their retries.
                decide(clock.instant());
            }
        }
    }

    /**
     * The task with the planner's estimate of the rows each of its table scans gives it, where the coordinator knows
     * one (see {@link QueryEstimates#scanRowsOfOnlyTask}); the task as read otherwise.
     */
    private TaskSnapshot withScanEstimates(TaskSnapshot task)
    {
        if (task.pipelines().stream().noneMatch(pipeline -> pipeline.input() && pipeline.scanNode().isPresent())) {
            return task;
        }
        Optional<TaskId> id = TaskId.parse(task.taskId());
        if (id.isEmpty()) {
            return task;
        }
        Optional<QueryEstimates> query = estimates(id.get().queryId());
        if (query.isEmpty()) {
            EstimatesQuestion question = estimates.get(id.get().queryId());
            if (!question.answer().isDone() && clock.instant().isBefore(question.askedAt().plus(ESTIMATES_WAIT))) {
                awaitingEstimates.add(task.taskId());
            }
            return task;
        }
        return task.withPipelines(task.pipelines().stream().map(pipeline -> withScanEstimate(pipeline, query.get(), id.get().stage())).toList());
    }

    private static PipelineProgress withScanEstimate(PipelineProgress pipeline, QueryEstimates query, int stage)
    {
        if (pipeline.scanNode().isEmpty()) {
            return pipeline;
        }
        OptionalDouble rows = query.scanRowsOfOnlyTask(stage, pipeline.scanNode().get());
        return rows.isPresent() ? pipeline.withExpectedRows(rows.getAsDouble()) : pipeline;
    }

    /**
     * The query's estimates once the coordinator has answered; empty until then, and for good when it could not tell.
     * Asked on the first call for a query, within the time left to the cutoff (estimates change nothing after it).
     */
    private Optional<QueryEstimates> estimates(String queryId)
    {
        CompletableFuture<EstimatesAnswer> answer = estimates.computeIfAbsent(queryId, this::askEstimates).answer();
        if (!answer.isDone()) {
            return Optional.empty();
        }
        EstimatesAnswer estimates = answer.join();
        if (estimates.problem().isPresent() && estimateFailuresSeen.add(queryId)) {
            metrics.trinoError("query-estimates");
            if (estimateFailuresSeen.size() == 1) {
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: cannot read the planner''s estimates of query {1} from the coordinator ({2}); its tasks are judged by their driver counts",
                        cause, queryId, estimates.problem().get());
            }
        }
        return estimates.estimates();
    }

    private EstimatesQuestion askEstimates(String queryId)
    {
        Instant now = clock.instant();
        Duration toCutoff = Duration.between(now, policy.cutoff(deadline));
        if (!toCutoff.isPositive()) {
            return new EstimatesQuestion(CompletableFuture.completedFuture(new EstimatesAnswer(Optional.empty(), Optional.empty())), now);
        }
        Duration budget = toCutoff.compareTo(ESTIMATES_BUDGET) < 0 ? toCutoff : ESTIMATES_BUDGET;
        CompletableFuture<EstimatesAnswer> answer = new CompletableFuture<>();
        try {
            questions.execute(() -> {
                try {
                    Instant asked = clock.instant();
                    Optional<QueryEstimates> read = worker.queryEstimates(queryId, budget);
                    if (read.isPresent()) {
                        LOG.log(System.Logger.Level.INFO, "drain for {0}: read the planner''s estimates of query {1} in {2} ms",
                                cause, queryId, String.valueOf(Duration.between(asked, clock.instant()).toMillis()));
                    }
                    answer.complete(new EstimatesAnswer(read, Optional.empty()));
                }
                catch (TrinoWorkerException | RuntimeException e) {
                    answer.complete(new EstimatesAnswer(Optional.empty(), Optional.of(e instanceof TrinoWorkerException ? e.getMessage() : e.toString())));
                }
                decideOnTheDrainsThread();
            });
        }
        catch (RejectedExecutionException e) {
            // The agent is stopping.
            answer.complete(new EstimatesAnswer(Optional.empty(), Optional.empty()));
        }
        return new EstimatesQuestion(answer, now);
    }

    // The tasks as last read, judged again now that an answer has come in.
    private void decideOnTheDrainsThread()
    {
        try {
            drainThread.execute(() -> {
                if (!ended) {
                    decide(clock.instant());
                }
            });
        }
        catch (RejectedExecutionException e) {
            // The agent is stopping.
        }
    }

    /**
     * Refreshes {@link #live}, from the full list or task by task.
     *
     * @return false when the worker has exited
     */
    private boolean read(boolean fullList)
    {
        boolean asksWorker = fullList || !live.isEmpty();
        try {
            if (fullList) {
                // The list is summarized (no pipeline statistics), so each task is judged on its own read: the one
                // made moments ago in this pass for a task already known, a new one for a task just found.
                FirstListRead first = firstList;
                firstList = null;
                List<TaskSnapshot> all = first != null ? first.take() : worker.tasks();
                if (first != null) {
                    LOG.log(System.Logger.Level.INFO, "drain for {0}: the worker''s task list in hand {1}: {2} tasks, {3} not done", cause, first.timing(clock.instant()),
                            String.valueOf(all.size()), String.valueOf(all.stream().filter(task -> !task.isDone()).count()));
                }
                Map<String, TaskSnapshot> known = new LinkedHashMap<>(live);
                live.clear();
                for (TaskSnapshot listed : all) {
                    if (listed.isDone()) {
                        continue;
                    }
                    TaskSnapshot task = known.get(listed.taskId());
                    if (task == null) {
                        task = worker.task(listed.taskId()).orElse(listed);
                    }
                    if (!task.isDone()) {
                        live.put(task.taskId(), task);
                    }
                }
                Instant listed = clock.instant();
                nextDiscovery = listed.plus(DISCOVERY_INTERVAL);
                if (listed.isBefore(earlyFailsFrom) && earlyFailsFrom.isBefore(nextDiscovery)) {
                    // Whatever arrived during the early-fail hold is looked for right after the hold ends.
                    nextDiscovery = earlyFailsFrom;
                }
                if (first != null && first.requestedBeforeShutdown()) {
                    // Asked for before SHUTTING_DOWN: a task placed meanwhile is looked for on the next tick.
                    nextDiscovery = listed;
                }
            }
            else {
                for (String taskId : List.copyOf(live.keySet())) {
                    Optional<TaskSnapshot> task = worker.task(taskId);
                    if (task.isEmpty() || task.get().isDone()) {
                        live.remove(taskId);
                    }
                    else {
                        live.put(taskId, task.get());
                    }
                }
            }
            if (asksWorker) {
                listFailures = 0;
                settleBrokenCall();
            }
            return true;
        }
        catch (TrinoWorkerException e) {
            if (refused(e)) {
                // Nothing listens on the worker's port: it finished its graceful shutdown (or died). Either way
                // there is nothing left to drain, and that is the goal, not an error.
                metrics.workerExited();
                if (brokenCall != null) {
                    LOG.log(System.Logger.Level.INFO, "drain for {0}: {1} broke off as the worker exited", cause, brokenCall.operation());
                    brokenCall = null;
                }
                LOG.log(System.Logger.Level.INFO, "drain for {0}: the worker has exited (connection refused); drain complete", cause);
                return false;
            }
            listFailures++;
            callFailed("list-tasks", e, listFailures % 30 == 1
                    ? "drain for %s: cannot read tasks (%d times in a row): %s".formatted(cause, listFailures, e.getMessage())
                    : null);
            // Re-list next time: a task may have gone without this drain noticing.
            nextDiscovery = Instant.MIN;
            return true;
        }
    }

    private void decide(Instant now)
    {
        awaitingEstimates.clear();
        List<TaskSnapshot> tasks = live.values().stream().map(this::withScanEstimates).toList();
        for (TaskDecision decision : policy.decide(tasks, now, deadline)) {
            if (failed.contains(decision.taskId())) {
                continue;
            }
            if (!decision.fails()) {
                if (letFinish.add(decision.taskId())) {
                    metrics.taskLetFinish();
                    LOG.log(System.Logger.Level.INFO, "drain for {0}: letting task {1} finish: {2}", cause, decision.taskId(), decision.reason());
                }
                continue;
            }
            if (decision.action() == TaskDecision.Action.FAIL_EARLY && awaitingEstimates.contains(decision.taskId())) {
                if (heldForEstimates.add(decision.taskId())) {
                    LOG.log(System.Logger.Level.INFO, "drain for {0}: task {1} looks unable to finish in time by its driver counts ({2}); waiting up to {3} ms for its query''s estimates before failing it",
                            cause, decision.taskId(), decision.reason(), String.valueOf(ESTIMATES_WAIT.toMillis()));
                }
                continue;
            }
            if (decision.action() == TaskDecision.Action.FAIL_EARLY && now.isBefore(earlyFailsFrom)) {
                if (held.add(decision.taskId())) {
                    LOG.log(System.Logger.Level.INFO, "drain for {0}: task {1} cannot finish in time ({2}); failing it once the coordinator has seen the shutdown (at the latest {3})",
                            cause, decision.taskId(), decision.reason(), earlyFailsFrom);
                }
                continue;
            }
            String message = "Spot interruption: this worker's EC2 instance will be reclaimed at %s (%s); task failed early so it is retried on another worker (%s)"
                    .formatted(deadline, cause, decision.reason());
            String stateAfter;
            try {
                stateAfter = worker.failTask(decision.taskId(), message);
            }
            catch (TrinoWorkerException e) {
                // Tried again on the next pass; the next read also tells whether the worker has exited.
                if (!refused(e)) {
                    callFailed("fail-task", e, "drain for %s: cannot fail task %s: %s".formatted(cause, decision.taskId(), e.getMessage()));
                }
                continue;
            }
            settleBrokenCall();
            failed.add(decision.taskId());
            if (ENDED_OTHERWISE.contains(stateAfter)) {
                // It ended between the listing and the request (a listing takes a while on a busy worker); Trino
                // leaves a finished task alone, so its output stands and nothing is rerun.
                metrics.taskEndedBeforeFail();
                LOG.log(System.Logger.Level.INFO, "drain for {0}: task {1} was already {2}; nothing to fail", cause, decision.taskId(), stateAfter);
                continue;
            }
            if (decision.action() == TaskDecision.Action.FAIL_AT_CUTOFF) {
                metrics.taskFailedAtDeadline();
            }
            else {
                metrics.taskFailedEarly();
            }
            LOG.log(System.Logger.Level.INFO, "drain for {0}: failed task {1} ({2}): {3}", cause, decision.taskId(), decision.action(), decision.reason());
        }
    }
}
