package io.trinospot.watcher.trino;

import io.trinospot.harness.logging.LogCapture;
import io.trinospot.watcher.config.WatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestLazyWorkerApiCoordinator
{
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-22T10:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void aPasswordForAPlainHttpDiscoveryUriIsRefusedInOneLineAndTheWorkerIsStillReachable()
            throws Exception
    {
        Map<String, String> properties = worker("http://coordinator.internal:8080", "worker-7");
        Path password = dir.resolve("coordinator-password");
        Files.writeString(password, "pw-Secret-42\n");
        properties.put(WatcherConfig.COORDINATOR_PASSWORD_FILE, password.toString());
        properties.put(WatcherConfig.REBALANCE_DRAIN_ENABLED, "true");
        LazyWorkerApi api = new LazyWorkerApi(WatcherConfig.fromProperties(properties), Optional.empty(), CLOCK);

        try (LogCapture log = new LogCapture(LazyWorkerApi.class)) {
            assertThat(api.tryResolve()).as("the worker's own client").isEmpty();
            assertThat(log.messages()).singleElement().asString()
                    .startsWith("WARNING not asking the coordinator: watcher.coordinator.password-file: needs the coordinator over https, but its address is http://coordinator.internal:8080")
                    .doesNotContain("pw-Secret-42")
                    .doesNotContain("\n");
        }
        assertThatThrownBy(api::otherActiveWorkers)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageStartingWith("not asking the coordinator: watcher.coordinator.password-file: needs the coordinator over https");
        assertThat(api.stateSeenByCoordinator(Duration.ofSeconds(2))).as("no coordinator to ask: the drain falls back to its fixed hold").isEmpty();
    }

    @Test
    void withoutANodeIdOtherWorkersCannotBeCounted()
            throws Exception
    {
        LazyWorkerApi api = new LazyWorkerApi(WatcherConfig.fromProperties(worker("http://coordinator.internal:8080", null)), Optional.empty(), CLOCK);
        assertThatThrownBy(api::otherActiveWorkers)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessage("no coordinator to ask about this worker: no node.id in " + dir.resolve("node.properties"));
    }

    @Test
    void confirmShutdownOffStopsTheStateQuestionsButNotTheCount()
            throws Exception
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> properties = worker("http://127.0.0.1:" + closedPort, "worker-7");
        properties.put(WatcherConfig.COORDINATOR_CONFIRM_SHUTDOWN, "false");
        properties.put(WatcherConfig.REBALANCE_DRAIN_ENABLED, "true");
        LazyWorkerApi api = new LazyWorkerApi(WatcherConfig.fromProperties(properties), Optional.empty(), CLOCK);

        assertThat(api.stateSeenByCoordinator(Duration.ofSeconds(2))).isEmpty();
        assertThatThrownBy(api::otherActiveWorkers)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort);
    }

    private Map<String, String> worker(String discoveryUri, String nodeId)
            throws IOException
    {
        Path trinoConfig = dir.resolve("config.properties");
        Path nodeProperties = dir.resolve("node.properties");
        Files.writeString(trinoConfig, "coordinator=false\nhttp-server.http.port=8081\ninternal-communication.shared-secret=s\ndiscovery.uri=" + discoveryUri + "\n");
        Files.writeString(nodeProperties, "node.environment=spotlab\n" + (nodeId == null ? "" : "node.id=" + nodeId + "\n"));
        Map<String, String> properties = new HashMap<>();
        properties.put(WatcherConfig.TRINO_CONFIG_FILE, trinoConfig.toString());
        properties.put(WatcherConfig.TRINO_NODE_PROPERTIES_FILE, nodeProperties.toString());
        return properties;
    }
}
