package io.trinospot.it;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.Waits;
import io.trinospot.watcher.trino.NodeState;
import io.trinospot.watcher.trino.TrinoWorkerClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * spot-coordinator on a coordinator whose node manager it cannot reach, as after a Trino upgrade that changed it: here
 * the coordinator's JVM lacks the options the plugin needs. The coordinator starts anyway, the plugin says so once, and
 * Trino's own poll still brings a worker's SHUTTING_DOWN into the node list.
 */
class UnknownNodeManagerIT
{
    // Trino's poll runs every 5 s and applies the answers of the poll before: 5 to 10 s, and a loaded machine's slack.
    private static final Duration TRINOS_OWN_POLL = Duration.ofSeconds(20);

    @Test
    void theCoordinatorStartsWarnsOnceAndTrinosPollKeepsNodeStates()
            throws Exception
    {
        try (TrinoCluster cluster = TrinoCluster.start(ClusterSpec.builder()
                .workers(2)
                .lake(LakeStorage.NONE)
                .coordinatorNodeRefresh("250ms")
                .coordinatorNodeManagerAccess(false)
                .build())) {
            assertThat(cluster.activeWorkers()).containsExactlyInAnyOrder("worker-1", "worker-2");
            // Trino colours its log lines on a terminal and in the file alike
            List<String> warnings = Files.readAllLines(cluster.coordinator().logFile()).stream()
                    .map(line -> line.replaceAll("\u001B\\[[0-9;]*m", ""))
                    .filter(line -> line.contains("\tWARN\t") && line.contains("NodeRefreshListenerFactory"))
                    .toList();
            assertThat(warnings).as("the listener's warnings").singleElement().asString()
                    .contains("spot-node-refresh: ", "Trino's own poll", "node-refresh.require-internals");

            // as the agent does it, with the agent's own client
            Instant asked = Instant.now();
            new TrinoWorkerClient(cluster.node("worker-1").uri(), cluster.sharedSecret(), "REMOTE_HOST_GONE", Duration.ofSeconds(10), Clock.systemUTC())
                    .setState(NodeState.SHUTTING_DOWN);
            Waits.until("the coordinator to list worker-1 as shutting down by its own poll", TRINOS_OWN_POLL, null,
                    () -> "shutting_down".equals(cluster.nodeStates().get("worker-1")));
            System.out.printf("without spot-node-refresh, the coordinator listed worker-1 as shutting down %d ms after it took the state%n",
                    Duration.between(asked, Instant.now()).toMillis());
            assertThat(cluster.nodeStates()).containsEntry("worker-2", "active");
        }
    }
}
