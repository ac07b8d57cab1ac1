package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import io.trino.spi.Plugin;
import io.trino.spi.eventlistener.EventListenerFactory;
import io.trinospot.exchange.SpotExchangePlugin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestNodeRefreshListenerFactory
{
    @Test
    void thePluginOffersTheListenerUnderItsName()
    {
        Plugin plugin = new SpotExchangePlugin();
        List<String> names = StreamSupport.stream(plugin.getEventListenerFactories().spliterator(), false)
                .map(EventListenerFactory::getName)
                .toList();
        assertThat(names).containsExactly("spot-node-refresh");
    }

    @Test
    void defaultIntervalIsAQuarterSecond()
    {
        assertThat(new NodeRefreshConfig().getInterval()).isEqualTo(new Duration(250, MILLISECONDS));
    }

    @Test
    void badSettingsFailCreationNamingTheKey()
    {
        NodeRefreshListenerFactory factory = new NodeRefreshListenerFactory();
        assertThatThrownBy(() -> factory.create(Map.of("node-refresh.interval", "10ms"), null))
                .hasMessageContaining("node-refresh.interval");
        assertThatThrownBy(() -> factory.create(Map.of("node-refresh.interval", "a while"), null))
                .hasMessageContaining("node-refresh.interval");
        assertThatThrownBy(() -> factory.create(Map.of("node-refresh.intervall", "1s"), null))
                .hasMessageContaining("node-refresh.intervall");
    }

    @Test
    void withoutACoordinatorInTheJvmTheListenerDoesNothing()
    {
        // the test JVM has no Trino node manager, like a worker where the listener was configured by mistake
        var listener = new NodeRefreshListenerFactory().create(Map.of(), null);
        listener.shutdown();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("spot-node-refresh"));
    }
}
