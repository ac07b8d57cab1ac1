package io.trinospot.watcher;

import io.trinospot.watcher.config.Secret;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.config.WorkerSecret;
import io.trinospot.watcher.drain.DrainPolicy;
import io.trinospot.watcher.drain.InterruptionHandler;
import io.trinospot.watcher.drain.WorkerDrainHandler;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsClientConfig;
import io.trinospot.watcher.monitor.MonitorLoop;
import io.trinospot.watcher.monitor.NoticeMonitor;
import io.trinospot.watcher.monitor.RebalanceRecommendationMonitor;
import io.trinospot.watcher.monitor.ScheduledMaintenanceMonitor;
import io.trinospot.watcher.monitor.SpotInstanceActionMonitor;
import io.trinospot.watcher.status.Health;
import io.trinospot.watcher.status.StatusServer;
import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.watcher.trino.DryRunWorkerApi;
import io.trinospot.watcher.trino.LazyWorkerApi;
import io.trinospot.watcher.trino.WorkerApi;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;

import static java.util.Objects.requireNonNull;

/**
 * The running agent: three monitor loops feeding one drain handler, the health checks, and the status server.
 */
public final class Watcher
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Watcher.class.getName());

    private final WatcherMetrics metrics = new WatcherMetrics();
    private final InterruptionHandler handler;
    private final List<MonitorLoop> loops = new ArrayList<>();
    private final Health health;
    private final Optional<StatusServer> statusServer;

    public Watcher(WatcherConfig config)
    {
        this(config, InstantSource.system(), Optional.empty());
    }

    /**
     * @param worker the worker API to use instead of the one read from the worker's config (tests)
     */
    public Watcher(WatcherConfig config, InstantSource clock, Optional<WorkerApi> worker)
    {
        this(config, clock, worker, FatalErrors.halting());
    }

    /**
     * @param fatal gets every {@code Error} on the agent's threads, and whatever would end one of them
     * @throws io.trinospot.watcher.config.ConfigException before anything starts, when the worker's secret cannot be
     * read or would come from {@code node.environment} without {@code watcher.trino.allow-node-environment-secret}
     */
    public Watcher(WatcherConfig config, InstantSource clock, Optional<WorkerApi> worker, FatalErrors fatal)
    {
        requireNonNull(config, "config is null");
        requireNonNull(fatal, "fatal is null");
        requireNonNull(clock, "clock is null");
        WorkerApi api = worker.orElseGet(() -> {
            // Before anything starts: a secret the agent cannot use, or must not, stops it here.
            Optional<Secret> secret = WorkerSecret.fromSettings(config, System.getenv());
            WorkerSecret.checkAtStart(config, secret).ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
            LazyWorkerApi lazy = new LazyWorkerApi(config, secret, clock);
            lazy.tryResolve().ifPresent(problem -> LOG.log(System.Logger.Level.WARNING, "{0}; reading it again on each call to the worker", problem));
            return lazy;
        });
        if (config.dryRun()) {
            api = new DryRunWorkerApi(api);
        }
        this.handler = new WorkerDrainHandler(
                new WorkerDrainHandler.Settings(
                        new DrainPolicy(config.safetyMargin(), config.drainEstimateFactor()),
                        config.drainTaskPollInterval(),
                        config.drainEarlyFailDelay(),
                        config.drainEarlyFailMaxDelay(),
                        config.rebalanceDrainEnabled(),
                        config.rebalanceUndrainAfter(),
                        config.rebalanceMinActiveWorkers(),
                        config.rebalanceMaxDelay(),
                        config.scheduledDrainEnabled(),
                        config.scheduledDrainLeadTime()),
                api,
                metrics,
                clock,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("drain").daemon().uncaughtExceptionHandler(fatal).factory()),
                fatal,
                new SplittableRandom(),
                question -> Thread.ofVirtual().name("coordinator-question").uncaughtExceptionHandler(fatal).start(question));
        ImdsClient imds = new ImdsClient(ImdsClientConfig.from(config), clock);
        // The Spot notice gives two minutes and every poll interval comes off them; rebalance recommendations and
        // scheduled events are known minutes to days ahead, so their slower polls cost nothing.
        Map<NoticeMonitor, Duration> monitors = new LinkedHashMap<>();
        monitors.put(new SpotInstanceActionMonitor(imds, clock), config.spotPollInterval());
        monitors.put(new RebalanceRecommendationMonitor(imds, clock), config.pollInterval());
        monitors.put(new ScheduledMaintenanceMonitor(imds, clock), config.pollInterval());
        monitors.forEach((monitor, interval) -> loops.add(new MonitorLoop(monitor, handler::onEvent, interval, config.maxBackoff(), clock, metrics, fatal).start()));
        this.health = new Health(config.healthUnhealthyAfter(), monitors.keySet().stream().map(NoticeMonitor::name).toList(), this::stoppedLoops, metrics, api, clock,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("health").daemon().uncaughtExceptionHandler(fatal).factory()),
                fatal).start();
        this.statusServer = config.httpEnabled()
                ? Optional.of(new StatusServer(config.httpBindAddress(), config.httpPort(), metrics, health::report))
                : Optional.empty();
        LOG.log(System.Logger.Level.INFO, "watching {0}: the Spot notice every {1} ms, other notices every {2} ms{3}; status on {4}", config.imdsEndpoint(),
                String.valueOf(config.spotPollInterval().toMillis()), String.valueOf(config.pollInterval().toMillis()),
                config.dryRun() ? " (dry run)" : "",
                statusServer.map(server -> config.httpBindAddress() + ":" + server.port()).orElse("(disabled)"));
    }

    public boolean healthy()
    {
        return health.report().healthy();
    }

    public Health.Report health()
    {
        return health.report();
    }

    private List<String> stoppedLoops()
    {
        return loops.stream().filter(loop -> !loop.isAlive()).map(MonitorLoop::name).toList();
    }

    public WatcherMetrics metrics()
    {
        return metrics;
    }

    public Optional<Integer> statusPort()
    {
        return statusServer.map(StatusServer::port);
    }

    @Override
    public void close()
    {
        // Health first: stopped loops are no news while the agent stops.
        health.close();
        loops.forEach(MonitorLoop::close);
        handler.close();
        statusServer.ifPresent(StatusServer::close);
    }
}
