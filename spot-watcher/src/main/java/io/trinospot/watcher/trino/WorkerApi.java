package io.trinospot.watcher.trino;

import java.util.List;
import java.time.Duration;
import java.util.Optional;

/**
 * What the watcher does to its local worker. The HTTP implementation is {@link TrinoWorkerClient};
 * {@link DryRunWorkerApi} only logs.
 */
public interface WorkerApi
{
    void setState(NodeState state)
            throws TrinoWorkerException;

    /**
     * One small read-only request that only a caller with the worker's internal credentials may make: whether the
     * worker would take the agent's calls at all.
     */
    void checkAccess()
            throws TrinoWorkerException;

    List<TaskSnapshot> tasks()
            throws TrinoWorkerException;

    /**
     * One task the worker is known to have, read on its own: far cheaper than {@link #tasks()} on a worker that
     * retains hundreds of finished tasks. Empty when the worker no longer has it.
     */
    Optional<TaskSnapshot> task(String taskId)
            throws TrinoWorkerException;

    /**
     * Fails one task with a retryable error so the coordinator runs it elsewhere.
     *
     * @return the task's state once the request was handled, as the worker reports it (Trino's TaskState name,
     * {@code UNKNOWN} when the answer does not say): a task that had already finished stays {@code FINISHED},
     * its output stands and nothing was failed
     */
    String failTask(String taskId, String message)
            throws TrinoWorkerException;

    /**
     * Asked once this worker has taken SHUTTING_DOWN: its state as the coordinator sees it (lower case:
     * {@code active}, {@code shutting_down}, ...), announcing the shutdown first where the coordinator takes
     * announcements ({@link CoordinatorClient#stateAfterShutdown}). Empty when there is no coordinator to ask (not
     * configured, or asking is turned off) or it does not list this worker.
     *
     * @param budget how long the question may take in all; the answer is abandoned (an error) after that
     */
    Optional<String> stateSeenByCoordinator(Duration budget)
            throws TrinoWorkerException;

    /**
     * What the coordinator's planner expects of a query's stages ({@code GET /v1/query/{queryId}}), for judging how far
     * a task of it has read. Empty when there is no coordinator to ask.
     *
     * @param budget how long the question may take in all
     */
    default Optional<QueryEstimates> queryEstimates(String queryId, Duration budget)
            throws TrinoWorkerException
    {
        return Optional.empty();
    }

    /**
     * How many workers other than this one the coordinator lists as {@code active} in {@code system.runtime.nodes}.
     *
     * @throws TrinoWorkerException when there is no coordinator to ask (not configured) or it cannot answer
     */
    int otherActiveWorkers()
            throws TrinoWorkerException;
}
