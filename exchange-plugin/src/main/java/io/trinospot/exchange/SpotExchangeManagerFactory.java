package io.trinospot.exchange;

import com.google.common.base.Ticker;
import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.trino.plugin.base.jmx.MBeanServerModule;
import io.trino.plugin.base.jmx.PrefixObjectNameGeneratorModule;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeManagerContext;
import io.trino.spi.exchange.ExchangeManagerFactory;
import org.weakref.jmx.guice.MBeanModule;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** {@code exchange-manager.name=spot}: its own name, so it sits beside Trino's {@code filesystem} and any {@code hdfs}. */
public class SpotExchangeManagerFactory
        implements ExchangeManagerFactory
{
    public static final String NAME = "spot";

    private final Map<String, String> environment;
    private final Ticker ticker;

    public SpotExchangeManagerFactory()
    {
        this(System.getenv());
    }

    /** For tests: an explicit environment instead of the process's (HADOOP_CONF_DIR). */
    public SpotExchangeManagerFactory(Map<String, String> environment)
    {
        this(environment, Ticker.systemTicker());
    }

    /** For tests: also the ticker orphan cleanup measures lease ages with. */
    public SpotExchangeManagerFactory(Map<String, String> environment, Ticker ticker)
    {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    @Override
    public String getName()
    {
        return NAME;
    }

    @Override
    public ExchangeManager create(Map<String, String> config, ExchangeManagerContext context)
    {
        requireNonNull(config, "config is null");
        Bootstrap app = new Bootstrap(
                "io.trinospot.bootstrap.exchange.spot",
                new MBeanModule(),
                new MBeanServerModule(),
                new PrefixObjectNameGeneratorModule("io.trinospot.exchange", "trino.plugin.exchange.spot"),
                new SpotExchangeModule(environment, ticker),
                binder -> {
                    binder.bind(OpenTelemetry.class).toInstance(context.getOpenTelemetry());
                    binder.bind(Tracer.class).toInstance(context.getTracer());
                });
        Injector injector = app
                .doNotInitializeLogging()
                .setRequiredConfigurationProperties(config)
                .initialize();
        // The orphan cleaner starts with the first exchange, so only on the coordinator.
        return injector.getInstance(SpotExchangeManager.class);
    }
}
