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
    private final WatcherConfig config;
    private final Optional<Secret> secret;
    private final InstantSource clock;
    private volatile Optional<WorkerApi> client = Optional.empty();

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
            Optional<CoordinatorClient> coordinator = Optional.empty();
            if (config.coordinatorConfirmShutdown() && settings.coordinatorUri().isPresent() && settings.nodeId().isPresent()) {
                coordinator = Optional.of(new CoordinatorClient(settings.coordinatorUri().get(), config.coordinatorUser(), settings.nodeId().get(),
                        config.trinoRequestTimeout()));
            }
            WorkerApi created = new TrinoWorkerClient(settings.baseUri(), settings.sharedSecret(), config.drainErrorCode(),
                    config.trinoRequestTimeout(), clock, coordinator);
            client = Optional.of(created);
            return created;
        }
        catch (ConfigException e) {
            throw new TrinoWorkerException("worker not configured yet: " + e.getMessage(), e);
        }
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
        return client().stateSeenByCoordinator();
    }
}
