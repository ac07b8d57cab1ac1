package io.trinospot.watcher.drain;

import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.watcher.trino.TaskSnapshot;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;

import java.net.ConnectException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The task side of one drain: on each tick, reads the worker's tasks, applies the policy and fails the tasks
 * it says to fail. Each task is failed at most once and counted once. Not thread-safe: ticked from one thread.
 */
final class TaskDrain
{
    private static final System.Logger LOG = System.getLogger(TaskDrain.class.getName());

    private final String cause;
    private final Instant deadline;
    private final DrainPolicy policy;
    private final WorkerApi worker;
    private final WatcherMetrics metrics;
    private final Set<String> failed = new HashSet<>();
    private final Set<String> letFinish = new HashSet<>();
    private int listFailures;

    TaskDrain(String cause, Instant deadline, DrainPolicy policy, WorkerApi worker, WatcherMetrics metrics)
    {
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

    /**
     * @return whether there is more to do (the deadline has not passed)
     */
    boolean tick(Instant now)
    {
        if (!now.isBefore(deadline)) {
            LOG.log(System.Logger.Level.INFO, "drain for {0}: deadline {1} passed; done", cause, deadline);
            return false;
        }
        List<TaskSnapshot> tasks;
        try {
            tasks = worker.tasks();
        }
        catch (TrinoWorkerException e) {
            if (refused(e)) {
                // Nothing listens on the worker's port: it finished its graceful shutdown (or died). Either way
                // there is nothing left to drain, and that is the goal, not an error.
                metrics.workerExited();
                LOG.log(System.Logger.Level.INFO, "drain for {0}: the worker has exited (connection refused); drain complete", cause);
                return false;
            }
            metrics.trinoError("list-tasks");
            if (listFailures++ % 30 == 0) {
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: cannot list tasks ({1} times in a row): {2}",
                        cause, String.valueOf(listFailures), e.getMessage());
            }
            return true;
        }
        listFailures = 0;
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
            String message = "Spot interruption: this worker's EC2 instance will be reclaimed at %s (%s); task failed early so it is retried on another worker (%s)"
                    .formatted(deadline, cause, decision.reason());
            try {
                worker.failTask(decision.taskId(), message);
            }
            catch (TrinoWorkerException e) {
                metrics.trinoError("fail-task");
                LOG.log(System.Logger.Level.WARNING, "drain for {0}: cannot fail task {1}: {2}", cause, decision.taskId(), e.getMessage());
                continue;
            }
            failed.add(decision.taskId());
            if (decision.action() == TaskDecision.Action.FAIL_AT_CUTOFF) {
                metrics.taskFailedAtDeadline();
            }
            else {
                metrics.taskFailedEarly();
            }
            LOG.log(System.Logger.Level.INFO, "drain for {0}: failed task {1} ({2}): {3}", cause, decision.taskId(), decision.action(), decision.reason());
        }
        return true;
    }
}
