package io.trinospot.noderefresh;

import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.log.Logger;
import io.trino.spi.eventlistener.EventListener;
import io.trino.spi.eventlistener.EventListenerFactory;
import org.weakref.jmx.MBeanExporter;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Optional;

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

    // Stats are a convenience: a name already taken (a second listener in one JVM) must not stop the coordinator.
    private static boolean export(MBeanExporter exporter, NodeStateRefresher refresher)
    {
        try {
            exporter.export(OBJECT_NAME, refresher);
            return true;
        }
        catch (RuntimeException e) {
            log.warn(e, "%s: cannot export %s", NAME, OBJECT_NAME);
            return false;
        }
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

        Optional<CoordinatorNodeStates> nodeStates = CoordinatorNodeStates.find(ManagementFactory.getPlatformMBeanServer());
        if (nodeStates.isEmpty()) {
            log.warn("%s: no coordinator node manager in this JVM (a worker?); nothing to refresh", NAME);
            return new EventListener() {};
        }
        NodeStateRefresher refresher = new NodeStateRefresher(nodeStates.get()::refresh, settings.getInterval()).start();
        log.info("%s: refreshing node states of %s every %s", NAME, nodeStates.get().objectName(), settings.getInterval());
        MBeanExporter exporter = new MBeanExporter(ManagementFactory.getPlatformMBeanServer());
        boolean exported = export(exporter, refresher);
        return new EventListener()
        {
            @Override
            public void shutdown()
            {
                refresher.close();
                if (exported) {
                    exporter.unexport(OBJECT_NAME);
                }
            }
        };
    }
}
