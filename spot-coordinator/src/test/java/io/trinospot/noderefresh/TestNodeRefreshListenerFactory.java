package io.trinospot.noderefresh;

import io.trinospot.harness.time.ManualScheduler;
import io.airlift.units.Duration;
import io.trino.spi.Plugin;
import io.trino.spi.eventlistener.EventListenerFactory;
import io.trinospot.coordinator.SpotCoordinatorPlugin;
import io.trinospot.harness.logging.LogCapture;
import io.trino.spi.eventlistener.EventListener;
import org.junit.jupiter.api.Test;
import org.weakref.jmx.MBeanExporter;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static io.trinospot.noderefresh.TestNodeStateRefresher.ticker;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestNodeRefreshListenerFactory
{
    @Test
    void thePluginOffersTheListenerUnderItsName()
    {
        Plugin plugin = new SpotCoordinatorPlugin();
        List<String> names = StreamSupport.stream(plugin.getEventListenerFactories().spliterator(), false)
                .map(EventListenerFactory::getName)
                .toList();
        assertThat(names).containsExactly("spot-node-refresh");
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
    void byDefaultItAppliesTrinosAnswersAndAsksNoWorker()
            throws Exception
    {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        TestCoordinatorNodeStates.NodeManager manager = new TestCoordinatorNodeStates.NodeManager();
        TestCoordinatorNodeStates.WorkerState worker = new TestCoordinatorNodeStates.WorkerState("worker-1");
        manager.nodeStates.put(java.net.URI.create("http://10.0.0.1:8080"), worker);
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export("trino.node:name=CoordinatorNodeManager", manager);
        ManualScheduler ticks = new ManualScheduler();
        ManualScheduler waiter = new ManualScheduler();
        try {
            EventListener listener = new NodeRefreshListenerFactory(() -> new NodeRefreshListenerFactory.Scheduling(ticks, waiter, ticker(ticks)))
                    .create(Map.of(), null);
            ObjectName stats = new ObjectName(NodeRefreshListenerFactory.OBJECT_NAME);
            try {
                ticks.advance(3, SECONDS);
                assertThat(manager.rebuilds).hasValue(3);
                assertThat(manager.refreshCalls).isEmpty();
                assertThat(worker.requests).isEmpty();
                assertThat((long) platform.getAttribute(stats, "Refreshes")).isEqualTo(3);
                assertThat((long) platform.getAttribute(stats, "Failures")).isZero();
            }
            finally {
                listener.shutdown();
            }
            assertThat(platform.isRegistered(stats)).isFalse();
            assertThat(ticks.pendingTasks()).isZero();
        }
        finally {
            exporter.unexport("trino.node:name=CoordinatorNodeManager");
        }
    }

    @Test
    void onACoordinatorItRefreshesAndExportsItsCounts()
            throws Exception
    {
        // the test JVM runs with the documented add-opens, like the coordinator (this module's pom)
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        TestCoordinatorNodeStates.NodeManager manager = new TestCoordinatorNodeStates.NodeManager();
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export("trino.node:name=CoordinatorNodeManager", manager);
        ManualScheduler ticks = new ManualScheduler();
        // runs what it is handed when advanced; its own clock stands still
        ManualScheduler waiter = new ManualScheduler();
        try {
            EventListener listener = new NodeRefreshListenerFactory(() -> new NodeRefreshListenerFactory.Scheduling(ticks, waiter, ticker(ticks)))
                    .create(Map.of("node-refresh.interval", "50ms", "node-refresh.ask-workers", "true"), null);
            ObjectName stats = new ObjectName(NodeRefreshListenerFactory.OBJECT_NAME);
            try {
                for (int i = 0; i < 3; i++) {
                    ticks.advance(50, MILLISECONDS);
                    waiter.advance(0, MILLISECONDS);
                }
                assertThat((long) platform.getAttribute(stats, "Refreshes")).isEqualTo(3);
                assertThat((long) platform.getAttribute(stats, "RefreshesWithoutWaiting")).isZero();
                assertThat((long) platform.getAttribute(stats, "Failures")).isZero();
                assertThat(manager.refreshCalls).containsExactly(true, true, true);

                // a worker that does not answer: the next tick refreshes without waiting, through the same manager
                ticks.advance(50, MILLISECONDS);
                ticks.advance(50, MILLISECONDS);
                assertThat((long) platform.getAttribute(stats, "RefreshesWithoutWaiting")).isEqualTo(1);
                assertThat(manager.refreshCalls).containsExactly(true, true, true, false);
            }
            finally {
                listener.shutdown();
            }
            assertThat(platform.isRegistered(stats)).isFalse();
            assertThat(ticks.isShutdown()).isTrue();
            assertThat(waiter.isShutdown()).isTrue();
            assertThat(ticks.pendingTasks()).isZero();
        }
        finally {
            exporter.unexport("trino.node:name=CoordinatorNodeManager");
        }
    }

    @Test
    void theListenersOwnThreadsAreDaemonsThatEndWithIt()
            throws Exception
    {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export("trino.node:name=CoordinatorNodeManager", new TestCoordinatorNodeStates.NodeManager());
        try {
            EventListener listener = new NodeRefreshListenerFactory().create(Map.of("node-refresh.interval", "1s"), null);
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().startsWith("spot-node-refresh"))
                    .toList();
            listener.shutdown();
            // the ticking thread exists from the start; the waiting one only once a tick has started a refresh
            assertThat(threads).extracting(Thread::getName).contains("spot-node-refresh");
            assertThat(threads).allMatch(Thread::isDaemon);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        finally {
            exporter.unexport("trino.node:name=CoordinatorNodeManager");
        }
    }

    @Test
    void aNodeManagerOfAnUnknownShapeLeavesTrinosPollInChargeAndSaysSo()
            throws Exception
    {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        ObjectName trinoName = registerNodeManagerOfUnknownShape(platform);
        try (LogCapture log = new LogCapture(NodeRefreshListenerFactory.class)) {
            EventListener listener = new NodeRefreshListenerFactory().create(Map.of("node-refresh.interval", "1s"), null);
            ObjectName status = new ObjectName(NodeRefreshListenerFactory.STATUS_OBJECT_NAME);
            try {
                assertThat((boolean) platform.getAttribute(status, "Active")).isFalse();
                assertThat((String) platform.getAttribute(status, "Problem")).contains("not an MBean exported by jmxutils");
                assertThat(platform.isRegistered(new ObjectName(NodeRefreshListenerFactory.OBJECT_NAME))).isFalse();
                assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("spot-node-refresh"));
                assertThat(log.messages()).singleElement().asString()
                        .contains("not an MBean exported by jmxutils", "Trino's own poll", "node-refresh.require-internals");
            }
            finally {
                listener.shutdown();
            }
            assertThat(platform.isRegistered(status)).isFalse();
        }
        finally {
            platform.unregisterMBean(trinoName);
        }
    }

    @Test
    void refusingToStartOnAnUnknownShapeIsOptIn()
            throws Exception
    {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        ObjectName trinoName = registerNodeManagerOfUnknownShape(platform);
        try {
            assertThatThrownBy(() -> new NodeRefreshListenerFactory().create(Map.of("node-refresh.require-internals", "true"), null))
                    .hasMessageContaining("not an MBean exported by jmxutils")
                    .hasMessageContaining("node-refresh.require-internals=true");
        }
        finally {
            platform.unregisterMBean(trinoName);
        }
    }

    @Test
    void onACoordinatorTheStatusSaysActive()
            throws Exception
    {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export("trino.node:name=CoordinatorNodeManager", new TestCoordinatorNodeStates.NodeManager());
        try {
            EventListener listener = new NodeRefreshListenerFactory().create(Map.of("node-refresh.interval", "1s"), null);
            try {
                assertThat((boolean) platform.getAttribute(new ObjectName(NodeRefreshListenerFactory.STATUS_OBJECT_NAME), "Active")).isTrue();
            }
            finally {
                listener.shutdown();
            }
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

    // What a Trino upgrade that changed the node manager's export would look like to the listener.
    private static ObjectName registerNodeManagerOfUnknownShape(MBeanServer platform)
            throws Exception
    {
        ObjectName trinoName = new ObjectName("trino.node:name=CoordinatorNodeManager");
        platform.registerMBean(new javax.management.StandardMBean(new TestCoordinatorNodeStates.Other(), TestCoordinatorNodeStates.OtherMBean.class), trinoName);
        return trinoName;
    }
}
