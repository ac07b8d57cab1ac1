package io.trinospot.noderefresh;

import org.junit.jupiter.api.Test;
import org.weakref.jmx.MBeanExporter;
import org.weakref.jmx.Managed;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reaching an object exported with jmxutils, the way Trino exports its node manager, through the JDK's MBean server. */
class TestCoordinatorNodeStates
{
    private static final String TRINO_NAME = "trino.node:name=CoordinatorNodeManager";

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    /** Stands in for io.trino.node.CoordinatorNodeManager: same exported getter style, same refresh members. */
    public static class NodeManager
    {
        final List<Boolean> refreshCalls = new CopyOnWriteArrayList<>();
        final ConcurrentHashMap<URI, WorkerState> nodeStates = new ConcurrentHashMap<>();
        final AtomicInteger rebuilds = new AtomicInteger();
        volatile RuntimeException failure;

        private synchronized void refreshNodesInternal()
        {
            rebuilds.incrementAndGet();
        }

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

    /** Stands in for io.trino.node.RemoteNodeState: one worker's last answer and the request for the next. */
    public static class WorkerState
    {
        final String nodeId;
        final CompletableFuture<Boolean> answer = new CompletableFuture<>();
        final List<Boolean> requests = new CopyOnWriteArrayList<>();

        WorkerState(String nodeId)
        {
            this.nodeId = nodeId;
        }

        public Future<Boolean> asyncRefresh(boolean force)
        {
            requests.add(force);
            return answer;
        }

        public Optional<WorkerNode> getInternalNode()
        {
            return Optional.ofNullable(nodeId).map(WorkerNode::new);
        }
    }

    /** Stands in for io.trino.node.InternalNode. */
    public record WorkerNode(String getNodeIdentifier) {}

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
    void askingOneWorkerSendsItAloneAForcedRequestThenRebuildsTheNodeList()
            throws InterruptedException
    {
        NodeManager manager = new NodeManager();
        WorkerState leaving = worker(manager, "worker-1");
        WorkerState staying = worker(manager, "worker-2");
        WorkerState neverAnswered = worker(manager, null);
        leaving.answer.complete(true);
        new MBeanExporter(server).export(TRINO_NAME, manager);

        assertThat(CoordinatorNodeStates.find(server).orElseThrow().askWorker("worker-1", Duration.ofSeconds(5))).isTrue();
        // forced: Trino's poll skips a worker asked within the last second
        assertThat(leaving.requests).containsExactly(true);
        assertThat(staying.requests).isEmpty();
        assertThat(neverAnswered.requests).isEmpty();
        assertThat(manager.rebuilds).hasValue(1);
        assertThat(manager.refreshCalls).isEmpty();
    }

    @Test
    void anAnswerNotInWithinTheWaitStillRebuildsFromWhatHasArrived()
            throws InterruptedException
    {
        NodeManager manager = new NodeManager();
        WorkerState silent = worker(manager, "worker-1");
        new MBeanExporter(server).export(TRINO_NAME, manager);

        assertThat(CoordinatorNodeStates.find(server).orElseThrow().askWorker("worker-1", Duration.ZERO)).isTrue();
        assertThat(silent.requests).containsExactly(true);
        assertThat(manager.rebuilds).hasValue(1);
    }

    @Test
    void anUnknownWorkerIsNotAskedAndNoOtherIs()
            throws InterruptedException
    {
        NodeManager manager = new NodeManager();
        WorkerState other = worker(manager, "worker-2");
        new MBeanExporter(server).export(TRINO_NAME, manager);

        assertThat(CoordinatorNodeStates.find(server).orElseThrow().askWorker("worker-9", Duration.ofSeconds(5))).isFalse();
        assertThat(other.requests).isEmpty();
        assertThat(manager.rebuilds).hasValue(1);
    }

    @Test
    void applyingAnswersAsksNoWorker()
    {
        NodeManager manager = new NodeManager();
        WorkerState worker = worker(manager, "worker-1");
        new MBeanExporter(server).export(TRINO_NAME, manager);

        CoordinatorNodeStates.find(server).orElseThrow().applyAnswers();
        assertThat(worker.requests).isEmpty();
        assertThat(manager.refreshCalls).isEmpty();
        assertThat(manager.rebuilds).hasValue(1);
    }

    @Test
    void aManagerWithoutPerWorkerStatesIsAnUnsupportedTrino()
    {
        new MBeanExporter(server).export(TRINO_NAME, new Object()
        {
            @Managed
            public int getActiveNodeCount()
            {
                return 1;
            }

            public boolean refreshNodes(boolean forceAndWait)
            {
                return true;
            }

            private void refreshNodesInternal() {}
        });
        assertThatThrownBy(() -> CoordinatorNodeStates.find(server))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no field nodeStates")
                .hasMessageContaining("this Trino version is not supported");
    }

    /** A node manager whose per-worker states hand out nodes without an id. */
    public static class NodeManagerOfIdlessNodes
    {
        final ConcurrentHashMap<URI, IdlessWorkerState> nodeStates = new ConcurrentHashMap<>();

        @Managed
        public int getActiveNodeCount()
        {
            return 1;
        }

        public boolean refreshNodes(boolean forceAndWait)
        {
            return true;
        }

        private void refreshNodesInternal() {}
    }

    public static class IdlessWorkerState
    {
        public Future<Boolean> asyncRefresh(boolean force)
        {
            return CompletableFuture.completedFuture(true);
        }

        public Optional<String> getInternalNode()
        {
            return Optional.of("worker-1");
        }
    }

    @Test
    void nodesWithoutAnIdAreAnUnsupportedTrinoAtLookup()
    {
        new MBeanExporter(server).export(TRINO_NAME, new NodeManagerOfIdlessNodes());
        assertThatThrownBy(() -> CoordinatorNodeStates.find(server))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no getNodeIdentifier()")
                .hasMessageContaining("this Trino version is not supported");
    }

    private static WorkerState worker(NodeManager manager, String nodeId)
    {
        WorkerState state = new WorkerState(nodeId);
        manager.nodeStates.put(URI.create("http://10.0.0." + (manager.nodeStates.size() + 1) + ":8080"), state);
        return state;
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
