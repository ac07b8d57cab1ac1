package io.trinospot.watcher.trino;

import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.Secret;
import io.trinospot.watcher.config.TrinoWorkerSettings;
import io.trinospot.watcher.config.WatcherConfig;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Builds the worker client from the worker's config on first use, and again after a failure: on a fresh
 * node (an EMR bootstrap action) the watcher starts before Trino is installed and configured.
 */
public final class LazyWorkerApi
        implements WorkerApi
{
    private static final System.Logger LOG = System.getLogger(LazyWorkerApi.class.getName());

    private final WatcherConfig config;
    private final Optional<Secret> secret;
    private final InstantSource clock;
    private volatile Optional<WorkerApi> client = Optional.empty();
    // Why the coordinator cannot be asked, once the worker's config has been read; empty when it can.
    private volatile Optional<String> noCoordinator = Optional.empty();

    /**
     * @param secret the secret the agent's settings give, read at start
     */
    public LazyWorkerApi(WatcherConfig config, Optional<Secret> secret, InstantSource clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Tries to resolve now, so the first notice does not pay for reading config files. */
    public Optional<String> tryResolve()
    {
        try {
            client();
            return Optional.empty();
        }
        catch (TrinoWorkerException e) {
            return Optional.of(e.getMessage());
        }
    }

    private synchronized WorkerApi client()
            throws TrinoWorkerException
    {
        if (client.isPresent()) {
            return client.get();
        }
        try {
            TrinoWorkerSettings settings = TrinoWorkerSettings.resolve(config, secret);
            Optional<CoordinatorClient> coordinator = coordinator(settings);
            WorkerApi created = new TrinoWorkerClient(settings.baseUri(), settings.sharedSecret(), config.drainErrorCode(),
                    config.trinoRequestTimeout(), clock, coordinator);
            client = Optional.of(created);
            return created;
        }
        catch (ConfigException e) {
            throw new TrinoWorkerException("worker not configured yet: " + e.getMessage(), e);
        }
    }

    private Optional<CoordinatorClient> coordinator(TrinoWorkerSettings settings)
    {
        String problem;
        if (!config.coordinatorConfirmShutdown() && !(config.rebalanceDrainEnabled() && config.rebalanceMinActiveWorkers() > 0)) {
            problem = "asking the coordinator is turned off";
        }
        else if (settings.coordinatorUri().isEmpty()) {
            problem = "no coordinator to ask: neither " + WatcherConfig.COORDINATOR_URI + " nor " + TrinoWorkerSettings.DISCOVERY_URI + " in "
                    + config.trinoConfigFile() + " is set";
        }
        else if (settings.nodeId().isEmpty()) {
            problem = "no coordinator to ask about this worker: no " + TrinoWorkerSettings.NODE_ID + " in " + config.trinoNodePropertiesFile();
        }
        else {
            try {
                return Optional.of(new CoordinatorClient(settings.coordinatorUri().get(), config.coordinatorUser(), settings.nodeId().get(),
                        config.trinoRequestTimeout(), config.coordinatorSecurity()));
            }
            catch (ConfigException e) {
                // The worker is still drained on notices; only the coordinator is not asked.
                problem = "not asking the coordinator: " + e.getMessage();
                LOG.log(System.Logger.Level.WARNING, problem);
            }
        }
        noCoordinator = Optional.of(problem);
        return Optional.empty();
    }

    @Override
    public void setState(NodeState state)
            throws TrinoWorkerException
    {
        client().setState(state);
    }

    @Override
    public Optional<TaskSnapshot> task(String taskId)
            throws TrinoWorkerException
    {
        return client().task(taskId);
    }

    @Override
    public List<TaskSnapshot> tasks()
            throws TrinoWorkerException
    {
        return client().tasks();
    }

    @Override
    public String failTask(String taskId, String message)
            throws TrinoWorkerException
    {
        return client().failTask(taskId, message);
    }

    @Override
    public Optional<String> stateSeenByCoordinator()
            throws TrinoWorkerException
    {
        WorkerApi api = client();
        if (!config.coordinatorConfirmShutdown()) {
            return Optional.empty();
        }
        return api.stateSeenByCoordinator();
    }

    @Override
    public int otherActiveWorkers()
            throws TrinoWorkerException
    {
        WorkerApi api = client();
        Optional<String> problem = noCoordinator;
        if (problem.isPresent()) {
            throw new TrinoWorkerException(problem.get());
        }
        return api.otherActiveWorkers();
    }
}
