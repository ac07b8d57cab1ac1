package io.trinospot.exchange;

import io.trino.spi.Plugin;
import io.trino.spi.eventlistener.EventListenerFactory;
import io.trino.spi.exchange.ExchangeManagerFactory;
import io.trinospot.noderefresh.NodeRefreshListenerFactory;

import java.util.List;

/**
 * Entry point named in META-INF/services/io.trino.spi.Plugin: the {@code spot} exchange manager, and on the
 * coordinator the {@code spot-node-refresh} event listener that makes Spot drains visible to the scheduler fast.
 */
public class SpotExchangePlugin
        implements Plugin
{
    @Override
    public Iterable<ExchangeManagerFactory> getExchangeManagerFactories()
    {
        return List.of(new SpotExchangeManagerFactory());
    }

    @Override
    public Iterable<EventListenerFactory> getEventListenerFactories()
    {
        return List.of(new NodeRefreshListenerFactory());
    }
}
