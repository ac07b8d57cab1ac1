package io.trinospot.exchange;

import io.trino.spi.Plugin;
import io.trino.spi.exchange.ExchangeManagerFactory;

import java.util.List;

/** Entry point named in META-INF/services/io.trino.spi.Plugin: the {@code spot} exchange manager. */
public class SpotExchangePlugin
        implements Plugin
{
    @Override
    public Iterable<ExchangeManagerFactory> getExchangeManagerFactories()
    {
        return List.of(new SpotExchangeManagerFactory());
    }
}
