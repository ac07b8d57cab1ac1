package io.trinospot.watcher.trino;

import java.util.List;

/**
 * What the watcher does to its local worker. The HTTP implementation is {@link TrinoWorkerClient};
 * {@link DryRunWorkerApi} only logs.
 */
public interface WorkerApi
{
    void setState(NodeState state)
            throws TrinoWorkerException;

    List<TaskSnapshot> tasks()
            throws TrinoWorkerException;

    /**
     * Fails one task with a retryable error so the coordinator runs it elsewhere.
     */
    void failTask(String taskId, String message)
            throws TrinoWorkerException;
}
