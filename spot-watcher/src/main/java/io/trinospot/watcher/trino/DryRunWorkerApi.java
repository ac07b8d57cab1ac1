package io.trinospot.watcher.trino;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads from the worker but only logs what it would change: for trying the watcher on a live node.
 */
public final class DryRunWorkerApi
        implements WorkerApi
{
    private static final System.Logger LOG = System.getLogger(DryRunWorkerApi.class.getName());

    private final WorkerApi delegate;

    public DryRunWorkerApi(WorkerApi delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public void setState(NodeState state)
    {
        LOG.log(System.Logger.Level.INFO, "dry run: would set worker state to {0}", state);
    }

    @Override
    public void checkAccess()
            throws TrinoWorkerException
    {
        delegate.checkAccess();
    }

    @Override
    public List<TaskSnapshot> tasks()
            throws TrinoWorkerException
    {
        return delegate.tasks();
    }

    @Override
    public Optional<TaskSnapshot> task(String taskId)
            throws TrinoWorkerException
    {
        return delegate.task(taskId);
    }

    @Override
    public String failTask(String taskId, String message)
    {
        LOG.log(System.Logger.Level.INFO, "dry run: would fail task {0}: {1}", taskId, message);
        return "UNKNOWN";
    }

    @Override
    public Optional<String> stateSeenByCoordinator(Duration budget)
            throws TrinoWorkerException
    {
        return delegate.stateSeenByCoordinator(budget);
    }

    @Override
    public Optional<QueryEstimates> queryEstimates(String queryId, Duration budget)
            throws TrinoWorkerException
    {
        return delegate.queryEstimates(queryId, budget);
    }

    @Override
    public int otherActiveWorkers()
            throws TrinoWorkerException
    {
        return delegate.otherActiveWorkers();
    }
}
