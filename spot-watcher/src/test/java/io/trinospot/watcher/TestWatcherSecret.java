package io.trinospot.watcher;

import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.SpotAction;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.WatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key of the worker's internal API as the assembled agent gets it: never from the public node.environment unless
 * told so, from a file such as a systemd credential, and never shown.
 */
class TestWatcherSecret
{
    @TempDir
    Path dir;

    private Map<String, String> settings(ImdsEmulator imds, String... more)
            throws Exception
    {
        Path trinoConfig = Files.writeString(dir.resolve("config.properties"), "http-server.http.port=8086\n");
        Path nodeProperties = Files.writeString(dir.resolve("node.properties"), "node.environment=production\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("watcher.imds.endpoint", imds.endpoint().toString());
        settings.put("watcher.trino.config-file", trinoConfig.toString());
        settings.put("watcher.trino.node-properties-file", nodeProperties.toString());
        settings.put("watcher.http.enabled", "false");
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @Test
    void refusesToStartWhenTheKeyWouldComeFromNodeEnvironment()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start()) {
            WatcherConfig config = WatcherConfig.fromProperties(settings(imds));
            assertThatThrownBy(() -> new Watcher(config, InstantSource.system(), Optional.empty()).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("watcher.trino.shared-secret-file: not set, and neither watcher.trino.shared-secret nor internal-communication.shared-secret in "
                            + dir.resolve("config.properties") + " gives a secret: the worker's internal key would come from node.environment, which is not secret"
                            + " (watcher.trino.allow-node-environment-secret=true accepts that)");
            assertThat(imds.requests()).as("nothing started").isEmpty();
        }
    }

    @Test
    void nodeEnvironmentOnlyWhenAllowedAndThenWithAWarning()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start();
                LogCapture log = new LogCapture(Watcher.class)) {
            WatcherConfig config = WatcherConfig.fromProperties(settings(imds, "watcher.trino.allow-node-environment-secret", "true"));
            try (Watcher ignored = new Watcher(config, InstantSource.system(), Optional.empty())) {
                assertThat(log.messages()).anySatisfy(message -> assertThat(message)
                        .startsWith("WARNING watcher.trino.allow-node-environment-secret=true: ")
                        .contains("node.environment, which anyone who knows the environment's name can derive too"));
            }
        }
    }

    @Test
    void readsTheSecretFromAFileAndSignsWithIt()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start();
                FakeTrinoWorker worker = new FakeTrinoWorker("from-a-credential")) {
            // as systemd-creds or an editor leaves it: a trailing newline that is no part of the secret
            Path secret = Files.writeString(dir.resolve("trino-shared-secret"), "from-a-credential\n");
            WatcherConfig config = WatcherConfig.fromProperties(settings(imds,
                    "watcher.poll-interval", "50ms",
                    "watcher.spot.poll-interval", "50ms",
                    "watcher.max-backoff", "200ms",
                    "watcher.trino.port", String.valueOf(worker.port()),
                    "watcher.trino.shared-secret-file", secret.toString()));
            try (Watcher ignored = new Watcher(config, InstantSource.system(), Optional.empty())) {
                imds.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
                Await.until("worker told to shut down", () -> worker.states.contains("SHUTTING_DOWN"));
                assertThat(worker.unauthorized).isZero();
            }
        }
    }

    @Test
    void aSecretFileThatIsEmptyOrMissingStopsTheStart()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start()) {
            Path empty = Files.writeString(dir.resolve("empty"), " \n");
            WatcherConfig emptyFile = WatcherConfig.fromProperties(settings(imds, "watcher.trino.shared-secret-file", empty.toString()));
            assertThatThrownBy(() -> new Watcher(emptyFile, InstantSource.system(), Optional.empty()).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("watcher.trino.shared-secret-file: " + empty + " is empty");
            WatcherConfig missingFile = WatcherConfig.fromProperties(settings(imds, "watcher.trino.shared-secret-file", dir.resolve("absent").toString()));
            assertThatThrownBy(() -> new Watcher(missingFile, InstantSource.system(), Optional.empty()).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("watcher.trino.shared-secret-file: " + dir.resolve("absent") + " does not exist");
            assertThat(imds.requests()).as("nothing started").isEmpty();
        }
    }

    @Test
    void anAgentGivenPortSecretAndCoordinatorDoesNotReadTheWorkersConfig()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start();
                LogCapture log = new LogCapture(Watcher.class)) {
            Path secret = Files.writeString(dir.resolve("trino-shared-secret"), "s3cret");
            // a path that exists but cannot be read as a file, like a config.properties only the trino user may read
            Path unreadable = Files.createDirectories(dir.resolve("trino-etc-config.properties"));
            Map<String, String> properties = settings(imds,
                    "watcher.trino.port", "8086",
                    "watcher.trino.shared-secret-file", secret.toString(),
                    "watcher.coordinator.uri", "http://127.0.0.1:8080",
                    "watcher.trino.config-file", unreadable.toString());
            try (Watcher ignored = new Watcher(WatcherConfig.fromProperties(properties), InstantSource.system(), Optional.empty())) {
                assertThat(log.messages()).as("the worker client is built at start").noneMatch(message -> message.startsWith("WARNING"));
            }
        }
    }

    @Test
    void theSettingsNeverShowTheSecret()
    {
        WatcherConfig config = WatcherConfig.fromProperties(Map.of("watcher.trino.shared-secret", "hunter2-inline"));
        assertThat(config.toString()).doesNotContain("hunter2-inline").contains("***");
    }

    @Test
    void aSecretAndASecretFileTogetherAreRefused()
    {
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.trino.shared-secret", "a", "watcher.trino.shared-secret-file", "/run/b")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.trino.shared-secret-file: set either it or watcher.trino.shared-secret, not both");
    }
}
