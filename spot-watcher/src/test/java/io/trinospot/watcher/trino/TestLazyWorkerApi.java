package io.trinospot.watcher.trino;

import io.trinospot.harness.logging.LogCapture;
import io.trinospot.watcher.FakeTrinoWorker;
import io.trinospot.watcher.config.WatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker client follows the worker's own settings files: a rotated shared secret or a new port is picked up on
 * the first call it breaks, without restarting the agent.
 */
class TestLazyWorkerApi
{
    @TempDir
    Path dir;

    private Path writeWorkerConfig(int port, String secret)
            throws Exception
    {
        Path file = dir.resolve("config.properties");
        Files.writeString(file, "coordinator=false\nhttp-server.http.port=" + port + "\ninternal-communication.shared-secret=" + secret + "\n");
        return file;
    }

    private LazyWorkerApi api(Path workerConfig)
    {
        return new LazyWorkerApi(WatcherConfig.fromProperties(Map.of(
                "watcher.trino.config-file", workerConfig.toString(),
                "watcher.trino.node-properties-file", dir.resolve("node.properties").toString(),
                "watcher.trino.request-timeout", "10s")), Optional.empty(), InstantSource.system());
    }

    @Test
    void rotatedSharedSecretIsReadAgainOnUnauthorized()
            throws Exception
    {
        try (FakeTrinoWorker worker = new FakeTrinoWorker("first-secret-value");
                LogCapture log = new LogCapture(LazyWorkerApi.class)) {
            Path config = writeWorkerConfig(worker.port(), "first-secret-value");
            LazyWorkerApi api = api(config);
            api.setState(NodeState.DRAINING);

            worker.changeSecret("second-secret-value");
            writeWorkerConfig(worker.port(), "second-secret-value");
            api.setState(NodeState.ACTIVE);

            assertThat(worker.states).containsExactly("DRAINING", "ACTIVE");
            assertThat(worker.unauthorized).as("one refused attempt, then the retry with the new secret").isEqualTo(1);
            assertThat(log.texts()).singleElement().asString()
                    .contains("shared secret changed")
                    .doesNotContain("first-secret-value")
                    .doesNotContain("second-secret-value");
        }
    }

    @Test
    void newPortIsReadAgainOnConnectionRefused()
            throws Exception
    {
        LazyWorkerApi api;
        int oldPort;
        try (FakeTrinoWorker old = new FakeTrinoWorker("secret-value")) {
            oldPort = old.port();
            api = api(writeWorkerConfig(oldPort, "secret-value"));
            api.setState(NodeState.DRAINING);
        }
        try (FakeTrinoWorker moved = new FakeTrinoWorker("secret-value");
                LogCapture log = new LogCapture(LazyWorkerApi.class)) {
            writeWorkerConfig(moved.port(), "secret-value");
            api.setState(NodeState.SHUTTING_DOWN);

            assertThat(moved.states).containsExactly("SHUTTING_DOWN");
            assertThat(log.texts()).singleElement().asString()
                    .contains("port " + oldPort + " -> " + moved.port())
                    .doesNotContain("secret-value");
        }
    }

    @Test
    void unchangedSettingsAreNotRetried()
            throws Exception
    {
        try (FakeTrinoWorker worker = new FakeTrinoWorker("worker-secret");
                LogCapture log = new LogCapture(LazyWorkerApi.class)) {
            LazyWorkerApi api = api(writeWorkerConfig(worker.port(), "stale-secret"));

            assertThatThrownBy(() -> api.setState(NodeState.SHUTTING_DOWN))
                    .isInstanceOf(TrinoWorkerException.class)
                    .hasMessageContaining("401");
            assertThat(worker.unauthorized).as("nothing changed, so no second attempt").isEqualTo(1);
            assertThat(log.texts()).isEmpty();
        }
    }
}
