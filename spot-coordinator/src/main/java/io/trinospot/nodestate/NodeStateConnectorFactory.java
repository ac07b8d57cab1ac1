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
        ShutdownAnnouncement.WorkerRefresh refresh = refresh(catalogName);
        ShutdownAnnouncement announcement = new ShutdownAnnouncement(
                () -> nodes.getWorkerNodes().stream().map(Node::getNodeIdentifier).collect(Collectors.toUnmodifiableSet()),
                refresh,
                settings.getMaxWait().toJavaTime(),
                Ticker.systemTicker(),
                duration -> Thread.sleep(duration));
        return new NodeStateConnector(announcement.procedure());
    }

    // Without the node manager (a worker, or internals this Trino does not have), the answer waits for Trino's poll.
    private static ShutdownAnnouncement.WorkerRefresh refresh(String catalogName)
    {
        Optional<CoordinatorNodeStates> states;
        try {
            states = CoordinatorNodeStates.find(ManagementFactory.getPlatformMBeanServer());
        }
        catch (IllegalStateException e) {
            log.warn("catalog %s: %s; %s waits for Trino's own node poll (every 5 s)", catalogName, e.getMessage(), ShutdownAnnouncement.NAME);
            return (nodeId, maxWait) -> {};
        }
        // Only the announcing worker is asked: the other workers' states are Trino's poll's business, and asking
        // them all would cost every announcement one request per worker.
        return states.<ShutdownAnnouncement.WorkerRefresh>map(found -> (nodeId, maxWait) -> found.askWorker(nodeId, maxWait))
                .orElse((nodeId, maxWait) -> {});
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
