package io.trinospot.watcher.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestWorkerSecret
{
    private static final String FILE_KEY = WatcherSettings.TRINO_SHARED_SECRET_FILE;

    @TempDir
    Path dir;

    private static WatcherConfig config(String... keysAndValues)
    {
        Map<String, String> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return WatcherConfig.fromProperties(properties);
    }

    @Test
    void theCredentialsDirectoryComesFromTheEnvironmentAsInTrinosConfig()
            throws Exception
    {
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("trino-shared-secret"), "  from-systemd \n");
        WatcherConfig config = config(FILE_KEY, "${ENV:CREDENTIALS_DIRECTORY}/trino-shared-secret");

        assertThat(WorkerSecret.fromSettings(config, Map.of("CREDENTIALS_DIRECTORY", credentials.toString())))
                .map(Secret::value).contains("from-systemd");
        assertThatThrownBy(() -> WorkerSecret.fromSettings(config, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE_KEY + ": '${ENV:CREDENTIALS_DIRECTORY}/trino-shared-secret': environment variable CREDENTIALS_DIRECTORY is not set"
                        + " (systemd sets it for a unit with LoadCredential=)");
    }

    @Test
    void aReferenceThatIsNotEnvIsRefusedWhenTheSettingsAreRead()
    {
        assertThatThrownBy(() -> config(FILE_KEY, "${CREDENTIALS_DIRECTORY}/trino-shared-secret"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE_KEY + ": '${CREDENTIALS_DIRECTORY}/trino-shared-secret': an environment variable is written ${ENV:NAME}");
    }

    @Test
    void filesThatCannotHoldTheSecretAreNamedWithoutTheirContent()
            throws Exception
    {
        Path large = Files.writeString(dir.resolve("large"), "x".repeat((int) WorkerSecret.MAX_FILE_BYTES) + "tail-of-the-content");
        assertThatThrownBy(() -> WorkerSecret.fromSettings(config(FILE_KEY, large.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE_KEY + ": " + large + " is larger than 64 KiB, too large for a shared secret");

        Path binary = Files.write(dir.resolve("binary"), new byte[] {'a', 'b', (byte) 0xff, 'c'});
        assertThatThrownBy(() -> WorkerSecret.fromSettings(config(FILE_KEY, binary.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE_KEY + ": " + binary + " is not UTF-8 text");

        assertThatThrownBy(() -> WorkerSecret.fromSettings(config(FILE_KEY, dir.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE_KEY + ": " + dir + " is not a regular file");
    }

    @Test
    void theAgentsOwnSecretWinsAndNothingIsReadAtStart()
            throws Exception
    {
        Path trinoConfig = Files.writeString(dir.resolve("config.properties"), "http-server.http.port=8086\n");
        WatcherConfig inline = config("watcher.trino.shared-secret", "inline", "watcher.trino.config-file", trinoConfig.toString());
        Optional<Secret> secret = WorkerSecret.fromSettings(inline, Map.of());
        assertThat(secret).map(Secret::value).contains("inline");
        assertThat(WorkerSecret.checkAtStart(inline, secret)).isEmpty();
        assertThat(TrinoWorkerSettings.resolve(inline, secret).sharedSecret()).isEqualTo("inline");
    }

    @Test
    void aWorkerConfigWithItsSharedSecretIsEnough()
            throws Exception
    {
        Path trinoConfig = Files.writeString(dir.resolve("config.properties"), "http-server.http.port=8086\ninternal-communication.shared-secret=from-worker\n");
        WatcherConfig config = config("watcher.trino.config-file", trinoConfig.toString());
        assertThat(WorkerSecret.checkAtStart(config, Optional.empty())).isEmpty();
        assertThat(TrinoWorkerSettings.resolve(config, Optional.empty()).sharedSecret()).isEqualTo("from-worker");
    }

    @Test
    void aWorkerNotInstalledYetIsCheckedWhenItsConfigAppears()
            throws Exception
    {
        Path trinoConfig = dir.resolve("config.properties");
        Path nodeProperties = Files.writeString(dir.resolve("node.properties"), "node.environment=production\n");
        WatcherConfig config = config("watcher.trino.config-file", trinoConfig.toString(), "watcher.trino.node-properties-file", nodeProperties.toString());
        assertThat(WorkerSecret.checkAtStart(config, Optional.empty())).as("the agent starts before Trino is installed").isEmpty();

        Files.writeString(trinoConfig, "http-server.http.port=8086\n");
        assertThatThrownBy(() -> TrinoWorkerSettings.resolve(config, Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(FILE_KEY + ": not set, and neither watcher.trino.shared-secret nor internal-communication.shared-secret in " + trinoConfig + " gives a secret");
    }

    @Test
    void theWorkersFilesAreReadOnlyForWhatTheSettingsDoNotGive()
            throws Exception
    {
        // paths that exist but cannot be read as files: reading either would fail
        Path unreadableConfig = Files.createDirectories(dir.resolve("config.properties"));
        Path unreadableNode = Files.createDirectories(dir.resolve("node.properties"));
        WatcherConfig config = config(
                "watcher.trino.config-file", unreadableConfig.toString(),
                "watcher.trino.node-properties-file", unreadableNode.toString(),
                "watcher.trino.port", "8086",
                "watcher.coordinator.confirm-shutdown", "false");
        TrinoWorkerSettings settings = TrinoWorkerSettings.resolve(config, Optional.of(new Secret("given")));
        assertThat(settings.baseUri()).hasToString("http://127.0.0.1:8086");
        assertThat(settings.sharedSecret()).isEqualTo("given");

        assertThatThrownBy(() -> TrinoWorkerSettings.resolve(config, Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read " + unreadableConfig);
    }
}
