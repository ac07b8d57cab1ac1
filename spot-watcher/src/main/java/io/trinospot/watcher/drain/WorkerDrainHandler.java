package io.trinospot.watcher.drain;

import io.trinospot.watcher.FatalErrors;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.monitor.InterruptionEvent;
import io.trinospot.watcher.monitor.RebalanceRecommendation;
import io.trinospot.watcher.monitor.ScheduledMaintenance;
import io.trinospot.watcher.monitor.ScheduledMaintenanceCanceled;
import io.trinospot.watcher.monitor.SpotInstanceActionMonitor;
import io.trinospot.watcher.monitor.SpotInterruption;
import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.watcher.trino.NodeState;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Turns events into actions on the local worker, all on one thread so decisions never race:
 * <ul>
 * <li>Spot interruption: {@code SHUTTING_DOWN} at once (retried until the worker accepts it), then a task
 * drain until the deadline;</li>
 * <li>scheduled stop or reboot: the same, starting {@code leadTime} before {@code NotBefore}; each event by its id,
 * moved when it is rescheduled and dropped when it is canceled before its drain started;</li>
 * <li>rebalance recommendation (when enabled): {@code DRAINING}, and back to {@code ACTIVE} after {@code undrainAfter}
 * unless an interruption came meanwhile; only while the coordinator lists at least {@code rebalanceMinActiveWorkers}
 * other active workers. EC2 sends the recommendation to whole capacity pools, so every worker of a pool may get it at
 * once, and it is only advice: without an answer from the coordinator the worker is not drained. So that the agents of
 * a pool do not all count the same active workers at the same moment, each counts after its own random delay of up to
 * {@code rebalanceMaxDelay} and sees the workers drained before it (once the coordinator lists them).</li>
 * </ul>
 * A deadline that has passed is taken as now, and a Spot notice's deadline more than two minutes after the notice was
 * first seen as two minutes after: the instance is still here, and EC2 gives no more warning than that. A step that
 * throws a {@code RuntimeException} is logged and the drain goes on; an {@code Error} is fatal ({@link FatalErrors}).
 */
public final class WorkerDrainHandler
        implements InterruptionHandler
{
    private static final System.Logger LOG = System.getLogger(WorkerDrainHandler.class.getName());
    private static final Duration STATE_RETRY_INTERVAL = Duration.ofMillis(250);
    // How often the coordinator is asked whether it has seen SHUTTING_DOWN: each answer it is late by holds tasks
    // that must move; one small query on the coordinator each time.
    static final Duration COORDINATOR_CHECK_INTERVAL = Duration.ofMillis(250);
    static final int REBALANCE_COUNT_ATTEMPTS = 5;
    static final Duration REBALANCE_COUNT_RETRY_INTERVAL = Duration.ofSeconds(3);

    public record Settings(
            DrainPolicy policy,
            Duration taskPollInterval,
            Duration earlyFailDelay,
            Duration earlyFailMaxDelay,
            boolean rebalanceDrainEnabled,
            Duration rebalanceUndrainAfter,
            int rebalanceMinActiveWorkers,
            Duration rebalanceMaxDelay,
            boolean scheduledDrainEnabled,
            Duration scheduledDrainLeadTime)
    {
        public Settings
        {
            requireNonNull(policy, "policy is null");
            requireNonNull(taskPollInterval, "taskPollInterval is null");
            requireNonNull(earlyFailDelay, "earlyFailDelay is null");
            requireNonNull(earlyFailMaxDelay, "earlyFailMaxDelay is null");
            requireNonNull(rebalanceUndrainAfter, "rebalanceUndrainAfter is null");
            if (rebalanceMinActiveWorkers < 0) {
                throw new IllegalArgumentException("rebalanceMinActiveWorkers is negative");
            }
            requireNonNull(rebalanceMaxDelay, "rebalanceMaxDelay is null");
            if (rebalanceMaxDelay.isNegative()) {
                throw new IllegalArgumentException("rebalanceMaxDelay is negative");
            }
            requireNonNull(scheduledDrainLeadTime, "scheduledDrainLeadTime is null");
        }
    }

    private final Settings settings;
    private final WorkerApi worker;
    private final WatcherMetrics metrics;
    private final InstantSource clock;
    private final ScheduledExecutorService executor;
    private final RandomGenerator random;
    private final Executor questions;

    // Confined to the executor thread.
    private Optional<TaskDrain> drain = Optional.empty();
    private Optional<ScheduledFuture<?>> undrain = Optional.empty();
    private final Map<String, ScheduledFuture<?>> scheduledStarts = new HashMap<>();
    private boolean rebalanceDraining;
    private final FatalErrors fatal;

    public WorkerDrainHandler(Settings settings, WorkerApi worker, WatcherMetrics metrics, InstantSource clock, ScheduledExecutorService executor)
    {
        this(settings, worker, metrics, clock, executor, FatalErrors.halting());
    }

    /**
     * @param executor runs every action of the handler; it must run one task at a time (single-threaded), and the
     * handler shuts it down on {@link #close()}
     * @param fatal gets every {@code Error} a step throws (the executor's futures would keep it unseen)
     */
    public WorkerDrainHandler(Settings settings, WorkerApi worker, WatcherMetrics metrics, InstantSource clock, ScheduledExecutorService executor, FatalErrors fatal)
    {
        this(settings, worker, metrics, clock, executor, fatal, new SplittableRandom(), executor);
    }

    /**
     * @param random picks each rebalance recommendation's delay before the capacity check
     * @param questions asks the coordinator what takes seconds on a busy coordinator, off the executor's thread,
     * which a Spot notice must find free: how many workers are active on a rebalance recommendation (the answer is
     * acted on there), and a drain's planner estimates
     */
    public WorkerDrainHandler(Settings settings, WorkerApi worker, WatcherMetrics metrics, InstantSource clock, ScheduledExecutorService executor, FatalErrors fatal,
            RandomGenerator random, Executor questions)
    {
        this.questions = requireNonNull(questions, "questions is null");
        this.random = requireNonNull(random, "random is null");
        this.fatal = requireNonNull(fatal, "fatal is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.worker = requireNonNull(worker, "worker is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    @Override
    public void onEvent(InterruptionEvent event)
    {
        executor.execute(guarded("handling " + event, () -> handle(event)));
    }

    // Every step runs through this: the executor keeps whatever a step throws in a future nobody reads.
    private Runnable guarded(String step, Runnable action)
    {
        return () -> {
            try {
                action.run();
            }
            catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, step + " failed: " + e, e);
            }
            catch (Error e) {
                fatal.fatal(e);
            }
        };
    }

    private void schedule(String step, Runnable action, Duration delay)
    {
        if (!executor.isShutdown()) {
            // Not after close(): the agent is stopping.
            executor.schedule(guarded(step, action), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void handle(InterruptionEvent event)
    {
        switch (event) {
            case SpotInterruption spot -> spotInterruption(spot);
            case ScheduledMaintenance maintenance -> scheduleMaintenanceDrain(maintenance);
            case ScheduledMaintenanceCanceled canceled -> maintenanceCanceled(canceled);
            case RebalanceRecommendation rebalance -> rebalance(rebalance);
        }
    }

    private void spotInterruption(SpotInterruption spot)
    {
        String cause = "Spot " + spot.action() + " notice";
        Instant latest = spot.observedAt().plus(SpotInstanceActionMonitor.DEFAULT_NOTICE);
        Instant deadline = spot.deadline();
        if (deadline.isAfter(latest)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: its time {1} is more than 2 min after it was first seen ({2}); taking {3} as the deadline",
                    cause, deadline, spot.observedAt(), latest);
            deadline = latest;
        }
        startDrain(cause, deadline, spot.observedAt());
    }

    private void maintenanceCanceled(ScheduledMaintenanceCanceled event)
    {
        ScheduledFuture<?> start = scheduledStarts.remove(event.eventId());
        if (start != null && start.cancel(false)) {
            LOG.log(System.Logger.Level.INFO, "scheduled {0} {1} is {2}: its drain will not start", event.code(), event.eventId(), event.state());
        }
        else {
            LOG.log(System.Logger.Level.INFO, "scheduled {0} {1} is {2}: no drain was waiting for it{3}", event.code(), event.eventId(), event.state(),
                    drain.isPresent() ? " (a drain under way is not undone: the worker cannot leave SHUTTING_DOWN)" : "");
        }
    }

    private void scheduleMaintenanceDrain(ScheduledMaintenance event)
    {
        if (!settings.scheduledDrainEnabled() || !event.stopsOrReboots()) {
            LOG.log(System.Logger.Level.INFO, "scheduled event {0} ({1}): not draining ({2})", event.eventId(), event.code(),
                    settings.scheduledDrainEnabled() ? "it neither stops nor reboots the instance" : "scheduled drains are disabled");
            return;
        }
        Instant start = event.notBefore().minus(settings.scheduledDrainLeadTime());
        Duration wait = Duration.between(clock.instant(), start);
        String cause = "scheduled " + event.code() + " " + event.eventId();
        // The same id again is the event rescheduled: its new time replaces the old one.
        ScheduledFuture<?> previous = scheduledStarts.remove(event.eventId());
        if (previous != null) {
            previous.cancel(false);
        }
        if (!wait.isPositive()) {
            startDrain(cause, event.notBefore(), event.observedAt());
            return;
        }
        LOG.log(System.Logger.Level.INFO, "{0}: will drain from {1} (NotBefore {2}){3}", cause, start, event.notBefore(), previous != null ? ", rescheduled" : "");
        scheduledStarts.put(event.eventId(), executor.schedule(guarded("drain for " + cause, () -> {
            scheduledStarts.remove(event.eventId());
            startDrain(cause, event.notBefore(), clock.instant());
        }), wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void startDrain(String cause, Instant deadline, Instant observedAt)
    {
        Instant now = clock.instant();
        if (deadline.isBefore(now)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: its deadline {1} has passed, yet the instance is still running; taking now ({2}) as the deadline",
                    cause, deadline, now);
            deadline = now;
        }
        if (drain.isPresent() && !drain.get().deadline().isAfter(deadline)) {
            LOG.log(System.Logger.Level.INFO, "{0} (deadline {1}): already draining for an earlier deadline {2}", cause, deadline, drain.get().deadline());
            return;
        }
        undrain.ifPresent(future -> future.cancel(false));
        undrain = Optional.empty();
        rebalanceDraining = false;
        LOG.log(System.Logger.Level.INFO, "{0}: instance goes away at {1}; shutting the worker down and draining its tasks (cutoff {2})",
                cause, deadline, settings.policy().cutoff(deadline));
        TaskDrain newDrain = new TaskDrain(cause, deadline, settings.earlyFailDelay(), settings.earlyFailMaxDelay(), settings.policy(), worker, metrics, clock, questions,
                step -> executor.execute(guarded("drain for " + cause, step)));
        drain.ifPresent(TaskDrain::end);
        drain = Optional.of(newDrain);
        newDrain.startFirstList();
        // Retried past a deadline that is already near or gone: while the instance runs, stopping new work still helps.
        Instant latest = now.plus(SpotInstanceActionMonitor.DEFAULT_NOTICE);
        Instant giveUpAt = deadline.isAfter(latest) ? deadline : latest;
        setStateUntilAccepted(NodeState.SHUTTING_DOWN, observedAt, giveUpAt, () -> {
            newDrain.shutdownAccepted(clock.instant());
            tickLoop(newDrain);
        });
    }

    // The state change is what stops new work from arriving, so it is retried quickly until the worker takes it.
    private void setStateUntilAccepted(NodeState state, Instant observedAt, Instant giveUpAt, Runnable then)
    {
        if (state != NodeState.SHUTTING_DOWN && drain.isPresent()) {
            // An interruption arrived while a rebalance drain was still being retried; never step back from shutdown.
            return;
        }
        try {
            worker.setState(state);
        }
        catch (TrinoWorkerException | RuntimeException e) {
            metrics.stateChangeFailed(state.name());
            metrics.trinoError("set-state");
            if (clock.instant().isBefore(giveUpAt)) {
                LOG.log(System.Logger.Level.WARNING, "setting worker state {0} failed, retrying: {1}", state,
                        e instanceof TrinoWorkerException ? e.getMessage() : e.toString());
                schedule("setting worker state " + state, () -> setStateUntilAccepted(state, observedAt, giveUpAt, then), STATE_RETRY_INTERVAL);
            }
            else {
                LOG.log(System.Logger.Level.ERROR, "setting worker state {0} failed; giving up: {1}", state, e.getMessage());
            }
            return;
        }
        Duration latency = Duration.between(observedAt, clock.instant());
        metrics.stateChanged(state.name());
        metrics.noticeToStateChange(latency);
        LOG.log(System.Logger.Level.INFO, "worker state set to {0}, {1} ms after the notice was seen", state, String.valueOf(latency.toMillis()));
        then.run();
    }

    private void tickLoop(TaskDrain target)
    {
        if (drain.orElse(null) != target) {
            // Replaced by a drain with an earlier deadline.
            return;
        }
        Instant now = clock.instant();
        boolean more;
        try {
            more = target.tick(now);
        }
        catch (RuntimeException e) {
            // A bug in one step must not end the drain: the next tick reads and judges afresh.
            LOG.log(System.Logger.Level.ERROR, "drain for " + target.cause() + ": a step failed, going on: " + e, e);
            more = clock.instant().isBefore(target.deadline());
        }
        if (more) {
            // Tick on time for the end of the early-fail hold and for the cutoff, not up to a poll interval late.
            Duration wait = settings.taskPollInterval();
            if (target.awaitingCoordinator() && COORDINATOR_CHECK_INTERVAL.compareTo(wait) < 0) {
                wait = COORDINATOR_CHECK_INTERVAL;
            }
            for (Instant moment : List.of(target.earlyFailsFrom(), settings.policy().cutoff(target.deadline()))) {
                Duration until = Duration.between(now, moment);
                if (until.isPositive() && until.compareTo(wait) < 0) {
                    wait = until.plusMillis(1);
                }
            }
            schedule("drain for " + target.cause(), () -> tickLoop(target), wait);
        }
    }

    private void rebalance(RebalanceRecommendation event)
    {
        if (!settings.rebalanceDrainEnabled()) {
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation (noticeTime {0}): draining on rebalance is disabled", event.noticeTime());
            return;
        }
        if (drain.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation: already shutting down, nothing to do");
            return;
        }
        if (settings.rebalanceMinActiveWorkers() > 0 && settings.rebalanceMaxDelay().isPositive()) {
            Duration delay = Duration.ofMillis(random.nextLong(settings.rebalanceMaxDelay().toMillis() + 1));
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation (noticeTime {0}): counting the active workers in {1} ms (a random delay up to {2}={3})",
                    event.noticeTime(), String.valueOf(delay.toMillis()), WatcherConfig.REBALANCE_MAX_DELAY, settings.rebalanceMaxDelay());
            schedule("rebalance capacity check", () -> drainForRebalance(event, 1), delay);
            return;
        }
        drainForRebalance(event, 1);
    }

    private void drainForRebalance(RebalanceRecommendation event, int attempt)
    {
        if (drain.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation: shutting down meanwhile, not draining");
            return;
        }
        if (settings.rebalanceMinActiveWorkers() == 0) {
            startRebalanceDrain(event, "");
            return;
        }
        questions.execute(() -> {
            OptionalInt others = OptionalInt.empty();
            String problem = null;
            try {
                others = OptionalInt.of(worker.otherActiveWorkers());
            }
            catch (TrinoWorkerException | RuntimeException e) {
                problem = e instanceof TrinoWorkerException ? e.getMessage() : e.toString();
            }
            OptionalInt answer = others;
            String failure = problem;
            try {
                executor.execute(guarded("rebalance decision", () -> decideRebalance(event, attempt, answer, failure)));
            }
            catch (RejectedExecutionException e) {
                // The agent is stopping: nothing to decide any more.
            }
        });
    }

    private void decideRebalance(RebalanceRecommendation event, int attempt, OptionalInt others, String problem)
    {
        if (drain.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation: shutting down meanwhile, not draining");
            return;
        }
        if (others.isEmpty()) {
            metrics.trinoError("coordinator-workers");
            if (attempt < REBALANCE_COUNT_ATTEMPTS) {
                LOG.log(System.Logger.Level.INFO, "rebalance recommendation (noticeTime {0}): cannot ask the coordinator how many other workers are active ({1}); asking again in {2} ms",
                        event.noticeTime(), problem, String.valueOf(REBALANCE_COUNT_RETRY_INTERVAL.toMillis()));
                schedule("rebalance capacity check", () -> drainForRebalance(event, attempt + 1), REBALANCE_COUNT_RETRY_INTERVAL);
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "rebalance recommendation (noticeTime {0}): not draining: cannot ask the coordinator how many other workers are active ({1} tries; last: {2})",
                    event.noticeTime(), String.valueOf(attempt), problem);
            return;
        }
        if (others.getAsInt() < settings.rebalanceMinActiveWorkers()) {
            LOG.log(System.Logger.Level.INFO, "rebalance recommendation (noticeTime {0}): not draining: the coordinator lists {1} other active worker(s), fewer than {2}={3}",
                    event.noticeTime(), String.valueOf(others.getAsInt()), WatcherConfig.REBALANCE_MIN_ACTIVE_WORKERS, String.valueOf(settings.rebalanceMinActiveWorkers()));
            return;
        }
        startRebalanceDrain(event, " (" + others.getAsInt() + " other active workers)");
    }

    private void startRebalanceDrain(RebalanceRecommendation event, String capacity)
    {
        LOG.log(System.Logger.Level.INFO, "rebalance recommendation (noticeTime {0}): draining the worker{1}, back to ACTIVE after {2} unless interrupted",
                event.noticeTime(), capacity, settings.rebalanceUndrainAfter());
        Instant giveUpAt = clock.instant().plus(settings.rebalanceUndrainAfter());
        setStateUntilAccepted(NodeState.DRAINING, event.observedAt(), giveUpAt, () -> {
            rebalanceDraining = true;
            undrain.ifPresent(future -> future.cancel(false));
            undrain = Optional.of(executor.schedule(guarded("undrain", this::undrain), settings.rebalanceUndrainAfter().toMillis(), TimeUnit.MILLISECONDS));
        });
    }

    private void undrain()
    {
        undrain = Optional.empty();
        if (drain.isPresent() || !rebalanceDraining) {
            return;
        }
        rebalanceDraining = false;
        LOG.log(System.Logger.Level.INFO, "no interruption followed the rebalance recommendation; worker back to ACTIVE");
        try {
            worker.setState(NodeState.ACTIVE);
            metrics.stateChanged(NodeState.ACTIVE.name());
        }
        catch (TrinoWorkerException | RuntimeException e) {
            metrics.stateChangeFailed(NodeState.ACTIVE.name());
            metrics.trinoError("set-state");
            LOG.log(System.Logger.Level.WARNING, "setting worker state ACTIVE failed: {0}", e.getMessage());
        }
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
