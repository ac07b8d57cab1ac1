package io.trinospot.noderefresh;

import org.junit.jupiter.api.Test;
import org.weakref.jmx.MBeanExporter;
import org.weakref.jmx.Managed;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reaching an object exported with jmxutils, the way Trino exports its node manager, through the JDK's MBean server. */
class TestCoordinatorNodeStates
{
    private static final String TRINO_NAME = "trino.node:name=CoordinatorNodeManager";

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    /** Stands in for io.trino.node.CoordinatorNodeManager: same exported getter style, same refresh method. */
    public static class NodeManager
    {
        final List<Boolean> refreshCalls = new CopyOnWriteArrayList<>();
        volatile RuntimeException failure;

        @Managed
        public int getActiveNodeCount()
        {
            return 3;
        }

        public boolean refreshNodes(boolean forceAndWait)
        {
            if (failure != null) {
                throw failure;
            }
            refreshCalls.add(forceAndWait);
            return true;
        }
    }

    public interface OtherMBean
    {
        int getCount();
    }

    public static class Other
            implements OtherMBean
    {
        @Override
        public int getCount()
        {
            return 1;
        }
    }

    @Test
    void findsTheExportedManagerAndCallsTrinosOwnPollStep()
    {
        NodeManager manager = new NodeManager();
        new MBeanExporter(server).export(TRINO_NAME, manager);

        CoordinatorNodeStates states = CoordinatorNodeStates.find(server).orElseThrow();
        assertThat(states.objectName().toString()).isEqualTo(TRINO_NAME);
        states.refresh(true);
        states.refresh(false);
        // forceAndWait passed through: with it Trino asks every worker now and applies the answers before returning
        assertThat(manager.refreshCalls).containsExactly(true, false);
    }

    @Test
    void anyDomainMatchesSoAPrefixedNameIsFoundToo()
    {
        NodeManager manager = new NodeManager();
        new MBeanExporter(server).export("io.trino.node:name=CoordinatorNodeManager", manager);
        CoordinatorNodeStates.find(server).orElseThrow().refresh(true);
        assertThat(manager.refreshCalls).containsExactly(true);
    }

    @Test
    void aJvmWithoutTheManagerIsNotACoordinator()
    {
        new MBeanExporter(server).export("trino.node:name=WorkerInternalNodeManager", new NodeManager());
        assertThat(CoordinatorNodeStates.find(server)).isEmpty();
    }

    @Test
    void theManagersOwnFailureReachesTheCaller()
    {
        NodeManager manager = new NodeManager();
        new MBeanExporter(server).export(TRINO_NAME, manager);
        CoordinatorNodeStates states = CoordinatorNodeStates.find(server).orElseThrow();
        manager.failure = new IllegalStateException("inventory unavailable");
        assertThatThrownBy(() -> states.refresh(true)).isInstanceOf(IllegalStateException.class).hasMessage("inventory unavailable");
    }

    @Test
    void anMBeanNotExportedByJmxutilsIsNamedInTheError()
            throws Exception
    {
        server.registerMBean(new StandardMBean(new Other(), OtherMBean.class), new ObjectName(TRINO_NAME));
        assertThatThrownBy(() -> CoordinatorNodeStates.find(server))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TRINO_NAME)
                .hasMessageContaining("not an MBean exported by jmxutils");
    }

    @Test
    void anObjectWithoutRefreshNodesIsAnUnsupportedTrino()
    {
        new MBeanExporter(server).export(TRINO_NAME, new Object()
        {
            @Managed
            public int getActiveNodeCount()
            {
                return 1;
            }
        });
        assertThatThrownBy(() -> CoordinatorNodeStates.find(server))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no refreshNodes(boolean)");
    }

    @Test
    void thePlatformServerIsReachableWithTheDocumentedJvmOptions()
    {
        // the test JVM runs with CoordinatorNodeStates.REQUIRED_JVM_OPTIONS (this module's pom), like the coordinator
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        NodeManager manager = new NodeManager();
        MBeanExporter exporter = new MBeanExporter(platform);
        exporter.export(TRINO_NAME, manager);
        try {
            CoordinatorNodeStates.find(platform).orElseThrow().refresh(true);
            assertThat(manager.refreshCalls).containsExactly(true);
        }
        finally {
            exporter.unexport(TRINO_NAME);
        }
    }
}
