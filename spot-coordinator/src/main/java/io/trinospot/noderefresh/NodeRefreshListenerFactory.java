package io.trinospot.noderefresh;

import com.google.common.base.Ticker;
import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.log.Logger;
import io.trino.spi.eventlistener.EventListener;
import io.trino.spi.eventlistener.EventListenerFactory;
import org.weakref.jmx.MBeanExporter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import static io.airlift.configuration.ConfigBinder.configBinder;
import static java.util.Objects.requireNonNull;

/**
 * {@code event-listener.name=spot-node-refresh}: makes the coordinator notice a worker's state change (a Spot
 * watcher's SHUTTING_DOWN) within about a second instead of 5 to 10 s, so no task, and no retry of a task failed
 * early, is placed on a worker about to be reclaimed. Trino has no plugin hook for coordinator services; an event
 * listener is created once, on the coordinator, and stopped with it. It ignores query events.
 */
public class NodeRefreshListenerFactory
        implements EventListenerFactory
{
    public static final String NAME = "spot-node-refresh";

    private static final Logger log = Logger.get(NodeRefreshListenerFactory.class);

    /** Counts of refreshes, refreshes made without waiting for a worker that does not answer, and failures. */
    public static final String OBJECT_NAME = "trino.plugin.spot:name=NodeRefresh";
    /** {@link NodeRefreshStatus}: whether node states are refreshed at all. */
    public static final String STATUS_OBJECT_NAME = "trino.plugin.spot:name=NodeRefreshStatus";

    // Stats are a convenience: a name already taken (a second listener in one JVM) must not stop the coordinator.
    private static boolean export(MBeanExporter exporter, String name, Object object)
    {
        try {
            exporter.export(name, object);
            return true;
        }
        catch (RuntimeException e) {
            log.warn(e, "%s: cannot export %s", NAME, name);
            return false;
        }
    }

    /** What a refresher runs on; the listener shuts both executors down with itself. */
    record Scheduling(ScheduledExecutorService ticks, ExecutorService waiter, Ticker ticker)
    {
        Scheduling
        {
            requireNonNull(ticks, "ticks is null");
            requireNonNull(waiter, "waiter is null");
            requireNonNull(ticker, "ticker is null");
        }
    }

    private final Supplier<Scheduling> scheduling;

    public NodeRefreshListenerFactory()
    {
        this(NodeRefreshListenerFactory::daemonThreads);
    }

    NodeRefreshListenerFactory(Supplier<Scheduling> scheduling)
    {
        this.scheduling = requireNonNull(scheduling, "scheduling is null");
    }

    private static Scheduling daemonThreads()
    {
        return new Scheduling(
                Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "spot-node-refresh")),
                Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "spot-node-refresh-wait")),
                Ticker.systemTicker());
    }

    // Daemon threads: the coordinator's shutdown must not wait for a refresh held by a worker that does not answer.
    private static Thread daemon(Runnable runnable, String name)
    {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public String getName()
    {
        return NAME;
    }

    @Override
    public EventListener create(Map<String, String> config, EventListenerContext context)
    {
        requireNonNull(config, "config is null");
        Bootstrap app = new Bootstrap(
                "io.trinospot.bootstrap.event-listener.spot-node-refresh",
                binder -> configBinder(binder).bindConfig(NodeRefreshConfig.class));
        Injector injector = app
                .doNotInitializeLogging()
                .setRequiredConfigurationProperties(config)
                .initialize();
        NodeRefreshConfig settings = injector.getInstance(NodeRefreshConfig.class);

        MBeanExporter exporter = new MBeanExporter(ManagementFactory.getPlatformMBeanServer());
        Optional<CoordinatorNodeStates> nodeStates;
        try {
            nodeStates = CoordinatorNodeStates.find(ManagementFactory.getPlatformMBeanServer());
        }
        catch (IllegalStateException e) {
            // A Trino upgrade may change the internals this reaches; the coordinator still works without the
            // listener, only slower to see a drain, so that is not worth refusing to start unless asked to.
            if (settings.isRequireInternals()) {
                throw new IllegalStateException(NAME + ": " + e.getMessage() + " (node-refresh.require-internals=true)", e);
            }
            log.warn("%s: %s; node states are left to Trino's own poll (every 5 s); set node-refresh.require-internals=true to refuse to start instead",
                    NAME, e.getMessage());
            boolean exported = export(exporter, STATUS_OBJECT_NAME, NodeRefreshStatus.inactive(e.getMessage()));
            return unexportingOnShutdown(exporter, exported ? List.of(STATUS_OBJECT_NAME) : List.of(), () -> {});
        }
        if (nodeStates.isEmpty()) {
            log.warn("%s: no coordinator node manager in this JVM (a worker?); nothing to refresh", NAME);
            return new EventListener() {};
        }
        Scheduling threads = scheduling.get();
        // also its JMX stats
        AutoCloseable refresher;
        if (settings.isAskWorkers()) {
            refresher = new NodeStateRefresher(nodeStates.get()::refresh, settings.getInterval(), threads.ticks(), threads.waiter(), threads.ticker())
                    .start();
            log.info("%s: asking every worker for its state every %s (%s)", NAME, settings.getInterval(), nodeStates.get().objectName());
        }
        else {
            refresher = new AnswerApplier(nodeStates.get()::applyAnswers, settings.getInterval(), threads.ticks(), threads.ticker())
                    .start();
            log.info("%s: applying the workers' answers to Trino's poll every %s (%s)", NAME, settings.getInterval(), nodeStates.get().objectName());
        }
        List<String> exported = new ArrayList<>();
        if (export(exporter, OBJECT_NAME, refresher)) {
            exported.add(OBJECT_NAME);
        }
        if (export(exporter, STATUS_OBJECT_NAME, NodeRefreshStatus.active())) {
            exported.add(STATUS_OBJECT_NAME);
        }
        return unexportingOnShutdown(exporter, exported, () -> {
            try {
                refresher.close();
            }
            catch (Exception e) {
                log.warn(e, "%s: stopping the refresh failed", NAME);
            }
            threads.ticks().shutdownNow();
            threads.waiter().shutdownNow();
        });
    }

    private static EventListener unexportingOnShutdown(MBeanExporter exporter, List<String> exported, Runnable stop)
    {
        return new EventListener()
        {
            @Override
            public void shutdown()
            {
                stop.run();
                exported.forEach(exporter::unexport);
            }
        };
    }
}
