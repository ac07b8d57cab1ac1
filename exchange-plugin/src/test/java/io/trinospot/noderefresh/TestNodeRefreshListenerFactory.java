package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import io.trino.spi.Plugin;
import io.trino.spi.eventlistener.EventListenerFactory;
import io.trinospot.exchange.SpotExchangePlugin;
import io.trino.spi.eventlistener.EventListener;
import org.junit.jupiter.api.Test;
import org.weakref.jmx.MBeanExporter;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
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
    void onACoordinatorItRefreshesAndExportsItsCounts()
            throws Exception
    {
        // the test JVM runs with the documented add-opens, like the coordinator (exchange-plugin's pom)
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        TestCoordinatorNodeStates.NodeManager manager = new TestCoordinatorNodeStates.NodeManager();
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export("trino.node:name=CoordinatorNodeManager", manager);
        try {
            EventListener listener = new NodeRefreshListenerFactory().create(Map.of("node-refresh.interval", "50ms"), null);
            ObjectName stats = new ObjectName(NodeRefreshListenerFactory.OBJECT_NAME);
            try {
                long deadline = System.nanoTime() + SECONDS.toNanos(10);
                while ((long) platform.getAttribute(stats, "Refreshes") < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat((long) platform.getAttribute(stats, "Refreshes")).isGreaterThanOrEqualTo(3);
                assertThat((long) platform.getAttribute(stats, "RefreshesWithoutWaiting")).isZero();
                assertThat((long) platform.getAttribute(stats, "Failures")).isZero();
                assertThat(manager.refreshCalls).contains(true).doesNotContain(false);
            }
            finally {
                listener.shutdown();
            }
            assertThat(platform.isRegistered(stats)).isFalse();
        }
        finally {
            exporter.unexport("trino.node:name=CoordinatorNodeManager");
        }
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
