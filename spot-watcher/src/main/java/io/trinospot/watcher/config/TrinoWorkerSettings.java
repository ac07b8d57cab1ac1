package io.trinospot.watcher.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the local worker listens and the secret its internal API accepts, read from the worker's own
 * {@code etc/config.properties} (and {@code etc/node.properties}) unless the watcher config overrides them.
 *
 * @param sharedSecret the input to the internal-token key derivation: {@code internal-communication.shared-secret},
 * or, as in Trino, {@code node.environment} when no shared secret is set
 */
public record TrinoWorkerSettings(URI baseUri, String sharedSecret)
{
    public static final String HTTP_PORT = "http-server.http.port";
    public static final String SHARED_SECRET = "internal-communication.shared-secret";
    public static final String NODE_ENVIRONMENT = "node.environment";

    public TrinoWorkerSettings
    {
        requireNonNull(baseUri, "baseUri is null");
        requireNonNull(sharedSecret, "sharedSecret is null");
    }

    public static TrinoWorkerSettings resolve(WatcherConfig config)
    {
        Map<String, String> trino = Files.exists(config.trinoConfigFile()) ? PropertiesFiles.load(config.trinoConfigFile()) : Map.of();
        int port;
        if (config.trinoPort().isPresent()) {
            port = config.trinoPort().getAsInt();
        }
        else {
            String value = trino.get(HTTP_PORT);
            if (value == null) {
                throw new ConfigException("no worker port: neither " + WatcherConfig.TRINO_PORT + " nor " + HTTP_PORT + " in "
                        + config.trinoConfigFile() + (Files.exists(config.trinoConfigFile()) ? "" : " (file not found)"));
            }
            port = WatcherConfig.fromProperties(Map.of(WatcherConfig.TRINO_PORT, value)).trinoPort().orElseThrow();
        }
        String secret = config.trinoSharedSecret()
                .or(() -> Optional.ofNullable(trino.get(SHARED_SECRET)))
                .or(() -> nodeEnvironment(config.trinoNodePropertiesFile()))
                .orElseThrow(() -> new ConfigException("no internal shared secret: set " + WatcherConfig.TRINO_SHARED_SECRET
                        + ", or " + SHARED_SECRET + " in " + config.trinoConfigFile()
                        + ", or " + NODE_ENVIRONMENT + " in " + config.trinoNodePropertiesFile()));
        String host = config.trinoHost().contains(":") ? "[" + config.trinoHost() + "]" : config.trinoHost();
        return new TrinoWorkerSettings(URI.create("http://" + host + ":" + port), secret);
    }

    private static Optional<String> nodeEnvironment(Path nodeProperties)
    {
        if (!Files.exists(nodeProperties)) {
            return Optional.empty();
        }
        return Optional.ofNullable(PropertiesFiles.load(nodeProperties).get(NODE_ENVIRONMENT));
    }

    @Override
    public String toString()
    {
        // Never log the secret.
        return "TrinoWorkerSettings[baseUri=" + baseUri + ", sharedSecret=***]";
    }
}
