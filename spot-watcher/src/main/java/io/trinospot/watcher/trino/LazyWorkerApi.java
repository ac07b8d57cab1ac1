package io.trinospot.watcher.trino;

import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.Secret;
import io.trinospot.watcher.config.TrinoWorkerSettings;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.trino.TrinoWorkerException.Failure;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Builds the worker client from the worker's config on first use, and again after a failure: on a fresh
 * node (an EMR bootstrap action) the watcher starts before Trino is installed and configured. A call the worker
 * answers with 401, or whose connection it refuses, has the settings read again: a worker restarted with a rotated
 * shared secret or on another port is then called with the new ones (once more for that call), without restarting
 * the agent.
 */
public final class LazyWorkerApi
        implements WorkerApi
{
    private static final System.Logger LOG = System.getLogger(LazyWorkerApi.class.getName());

    private final WatcherConfig config;
    private final Optional<Secret> secret;
    private final InstantSource clock;
    private volatile Optional<Resolved> resolved = Optional.empty();

    /**
     * @param secret the secret the agent's settings give, read at start
     */
    public LazyWorkerApi(WatcherConfig config, Optional<Secret> secret, InstantSource clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    // A client and the settings it was built from; noCoordinator: why the coordinator cannot be asked, empty when it can.
    private record Resolved(TrinoWorkerSettings settings, WorkerApi client, Optional<String> noCoordinator) {}

    @FunctionalInterface
    private interface Call<T>
    {
        T on(WorkerApi client)
                throws TrinoWorkerException;
    }

    /** Tries to resolve now, so the first notice does not pay for reading config files. */
    public Optional<String> tryResolve()
    {
        try {
            resolved();
            return Optional.empty();
        }
        catch (TrinoWorkerException e) {
            return Optional.of(e.getMessage());
        }
    }

    private synchronized Resolved resolved()
            throws TrinoWorkerException
    {
        if (resolved.isPresent()) {
            return resolved.get();
        }
        TrinoWorkerSettings settings;
        try {
            settings = TrinoWorkerSettings.resolve(config, secret);
        }
        catch (ConfigException e) {
            throw new TrinoWorkerException(Failure.NOT_CONFIGURED, "worker not configured yet: " + e.getMessage(), e);
        }
        Resolved created = resolve(settings);
        resolved = Optional.of(created);
        return created;
    }

    private Resolved resolve(TrinoWorkerSettings settings)
    {
        String problem;
        Optional<CoordinatorClient> coordinator = Optional.empty();
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
            problem = null;
            try {
                coordinator = Optional.of(new CoordinatorClient(settings.coordinatorUri().get(), config.coordinatorUser(), settings.nodeId().get(),
                        config.trinoRequestTimeout(), config.coordinatorSecurity(), config.coordinatorAnnounceCatalog()));
            }
            catch (ConfigException e) {
                // The worker is still drained on notices; only the coordinator is not asked.
                problem = "not asking the coordinator: " + e.getMessage();
                LOG.log(System.Logger.Level.WARNING, problem);
            }
        }
        WorkerApi client = new TrinoWorkerClient(settings.baseUri(), settings.sharedSecret(), config.drainErrorCode(), config.trinoRequestTimeout(), clock, coordinator);
        return new Resolved(settings, client, Optional.ofNullable(problem));
    }

    /**
     * The client to use after {@code failed}'s call was refused: one built from settings read again, when they
     * differ, or one another call has built meanwhile; empty when nothing changed.
     */
    private synchronized Optional<Resolved> reread(Resolved failed)
    {
        Resolved current = resolved.orElse(null);
        if (current != failed) {
            return Optional.ofNullable(current);
        }
        TrinoWorkerSettings fresh;
        try {
            fresh = TrinoWorkerSettings.resolve(config, secret);
        }
        catch (ConfigException e) {
            // Half written, perhaps: the settings in use stay, and the next refusal reads again.
            return Optional.empty();
        }
        if (fresh.equals(failed.settings())) {
            return Optional.empty();
        }
        LOG.log(System.Logger.Level.INFO, "worker settings changed ({0}): calling the worker with the new ones", changes(failed.settings(), fresh));
        Resolved rebuilt = resolve(fresh);
        resolved = Optional.of(rebuilt);
        return Optional.of(rebuilt);
    }

    private <T> T call(Call<T> call)
            throws TrinoWorkerException
    {
        Resolved current = resolved();
        try {
            return call.on(current.client());
        }
        catch (TrinoWorkerException e) {
            if (e.failure() != Failure.UNAUTHORIZED && e.failure() != Failure.REFUSED) {
                throw e;
            }
            Optional<Resolved> fresh = reread(current);
            if (fresh.isEmpty()) {
                throw e;
            }
            return call.on(fresh.get().client());
        }
    }

    // What differs, for the log: never the secret itself, nor credentials a URI may hold.
    static String changes(TrinoWorkerSettings before, TrinoWorkerSettings after)
    {
        List<String> changes = new ArrayList<>();
        URI oldWorker = before.baseUri();
        URI newWorker = after.baseUri();
        if (!oldWorker.equals(newWorker)) {
            changes.add(Objects.equals(oldWorker.getHost(), newWorker.getHost())
                    ? "port " + oldWorker.getPort() + " -> " + newWorker.getPort()
                    : "worker " + address(oldWorker) + " -> " + address(newWorker));
        }
        if (!before.sharedSecret().equals(after.sharedSecret())) {
            changes.add("shared secret changed");
        }
        if (!before.coordinatorUri().equals(after.coordinatorUri())) {
            changes.add("coordinator " + before.coordinatorUri().map(LazyWorkerApi::address).orElse("(none)") + " -> "
                    + after.coordinatorUri().map(LazyWorkerApi::address).orElse("(none)"));
        }
        if (!before.nodeId().equals(after.nodeId())) {
            changes.add("node id " + before.nodeId().orElse("(none)") + " -> " + after.nodeId().orElse("(none)"));
        }
        return String.join(", ", changes);
    }

    private static String address(URI uri)
    {
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void setState(NodeState state)
            throws TrinoWorkerException
    {
        call(client -> {
            client.setState(state);
            return null;
        });
    }

    @Override
    public void checkAccess()
            throws TrinoWorkerException
    {
        call(client -> {
            client.checkAccess();
            return null;
        });
    }

    @Override
    public Optional<TaskSnapshot> task(String taskId)
            throws TrinoWorkerException
    {
        return call(client -> client.task(taskId));
    }

    @Override
    public List<TaskSnapshot> tasks()
            throws TrinoWorkerException
    {
        return call(WorkerApi::tasks);
    }

    @Override
    public String failTask(String taskId, String message)
            throws TrinoWorkerException
    {
        return call(client -> client.failTask(taskId, message));
    }

    @Override
    public Optional<String> stateSeenByCoordinator(Duration budget)
            throws TrinoWorkerException
    {
        resolved();
        if (!config.coordinatorConfirmShutdown()) {
            return Optional.empty();
        }
        return call(client -> client.stateSeenByCoordinator(budget));
    }

    @Override
    public Optional<QueryEstimates> queryEstimates(String queryId, Duration budget)
            throws TrinoWorkerException
    {
        if (resolved().noCoordinator().isPresent()) {
            return Optional.empty();
        }
        return call(client -> client.queryEstimates(queryId, budget));
    }

    @Override
    public int otherActiveWorkers()
            throws TrinoWorkerException
    {
        Optional<String> problem = resolved().noCoordinator();
        if (problem.isPresent()) {
            throw new TrinoWorkerException(problem.get());
        }
        return call(WorkerApi::otherActiveWorkers);
    }
}
