package io.trinospot.coordinator;

import io.trino.spi.Plugin;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.spi.eventlistener.EventListenerFactory;
import io.trinospot.nodestate.NodeStateConnectorFactory;
import io.trinospot.noderefresh.NodeRefreshListenerFactory;

import java.util.List;

/**
 * Entry point named in META-INF/services/io.trino.spi.Plugin: what runs on the coordinator so that its node list
 * follows a Spot worker's drain without waiting for Trino's own 5 s poll: the agent's announcement (a catalog of
 * connector {@code spot_node_state}) and the periodic refresh behind it (event listener {@code spot-node-refresh}).
 */
public class SpotCoordinatorPlugin
        implements Plugin
{
    @Override
    public Iterable<EventListenerFactory> getEventListenerFactories()
    {
        return List.of(new NodeRefreshListenerFactory());
    }

    @Override
    public Iterable<ConnectorFactory> getConnectorFactories()
    {
        return List.of(new NodeStateConnectorFactory());
    }
}
