package io.trinospot.nodestate;

import com.google.common.base.Ticker;
import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.log.Logger;
import io.trino.spi.Node;
import io.trino.spi.NodeManager;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorContext;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.transaction.IsolationLevel;
import io.trinospot.noderefresh.CoordinatorNodeStates;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.airlift.configuration.ConfigBinder.configBinder;
import static java.util.Objects.requireNonNull;

/**
 * {@code connector.name=spot_node_state}: a catalog with no tables, only the procedure
 * {@link ShutdownAnnouncement#NAME}, through which a Spot worker's agent tells the coordinator that the worker is
 * shutting down. A procedure runs on the coordinator and is reached over the client protocol, so the agent uses the
 * address, TLS and credentials it already has for the coordinator.
 */
public class NodeStateConnectorFactory
        implements ConnectorFactory
{
    public static final String NAME = "spot_node_state";

    private static final Logger log = Logger.get(NodeStateConnectorFactory.class);

    @Override
    public String getName()
    {
        return NAME;
    }

    @Override
    public Connector create(String catalogName, Map<String, String> config, ConnectorContext context)
    {
        requireNonNull(config, "config is null");
        Injector injector = new Bootstrap(
                "io.trinospot.bootstrap.catalog." + catalogName,
                binder -> configBinder(binder).bindConfig(NodeStateConfig.class))
                .doNotInitializeLogging()
                .setRequiredConfigurationProperties(config)
                .initialize();
        NodeStateConfig settings = injector.getInstance(NodeStateConfig.class);
        NodeManager nodes = context.getNodeManager();
        Runnable refresh = refresh(catalogName);
        ShutdownAnnouncement announcement = new ShutdownAnnouncement(
                () -> nodes.getWorkerNodes().stream().map(Node::getNodeIdentifier).collect(Collectors.toUnmodifiableSet()),
                refresh,
                settings.getMaxWait().toJavaTime(),
                Ticker.systemTicker(),
                duration -> Thread.sleep(duration));
        return new NodeStateConnector(announcement.procedure());
    }

    // Without the node manager (a worker, or internals this Trino does not have), the answer waits for Trino's poll.
    private static Runnable refresh(String catalogName)
    {
        Optional<CoordinatorNodeStates> states;
        try {
            states = CoordinatorNodeStates.find(ManagementFactory.getPlatformMBeanServer());
        }
        catch (IllegalStateException e) {
            log.warn("catalog %s: %s; %s waits for Trino's own node poll (every 5 s)", catalogName, e.getMessage(), ShutdownAnnouncement.NAME);
            return () -> {};
        }
        // Without waiting: a worker that does not answer (a reclaimed host gone silent) must not hold the answer. Each
        // call applies the answers that have arrived and asks again the workers not asked within the last second,
        // so the announcing worker's new state is in after one round trip.
        return states.<Runnable>map(found -> () -> found.refresh(false)).orElse(() -> {});
    }

    private static final class NodeStateConnector
            implements Connector
    {
        private final Procedure procedure;

        NodeStateConnector(Procedure procedure)
        {
            this.procedure = requireNonNull(procedure, "procedure is null");
        }

        @Override
        public ConnectorTransactionHandle beginTransaction(IsolationLevel isolationLevel, boolean readOnly, boolean autoCommit)
        {
            return Transaction.INSTANCE;
        }

        @Override
        public ConnectorMetadata getMetadata(ConnectorSession session, ConnectorTransactionHandle transaction)
        {
            return new ConnectorMetadata() {};
        }

        @Override
        public Set<Procedure> getProcedures()
        {
            return Set.of(procedure);
        }

        @Override
        public void shutdown() {}
    }

    private enum Transaction
            implements ConnectorTransactionHandle
    {
        INSTANCE
    }
}
