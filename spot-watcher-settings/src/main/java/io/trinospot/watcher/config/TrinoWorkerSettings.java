package io.trinospot.watcher.config;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the local worker listens and the secret its internal API accepts, read from the worker's own
 * {@code etc/config.properties} (and {@code etc/node.properties}) unless the watcher config overrides them.
 *
 * @param sharedSecret the input to the internal-token key derivation: the agent's own secret, else the worker's
 * {@code internal-communication.shared-secret}; {@code node.environment}, as in Trino without a shared secret, only when
 * {@value WatcherSettings#TRINO_ALLOW_NODE_ENVIRONMENT_SECRET} allows it
 * @param coordinatorUri where the coordinator answers queries: {@code watcher.coordinator.uri}, else the worker's
 * {@code discovery.uri}
 * @param nodeId the worker's {@code node.id}, as the coordinator lists it
 */
public record TrinoWorkerSettings(URI baseUri, String sharedSecret, Optional<URI> coordinatorUri, Optional<String> nodeId)
{
    public static final String HTTP_PORT = "http-server.http.port";
    public static final String SHARED_SECRET = "internal-communication.shared-secret";
    public static final String NODE_ENVIRONMENT = "node.environment";
    public static final String DISCOVERY_URI = "discovery.uri";
    public static final String NODE_ID = "node.id";

    public TrinoWorkerSettings
    {
        requireNonNull(baseUri, "baseUri is null");
        requireNonNull(sharedSecret, "sharedSecret is null");
        requireNonNull(coordinatorUri, "coordinatorUri is null");
        requireNonNull(nodeId, "nodeId is null");
    }

    public TrinoWorkerSettings(URI baseUri, String sharedSecret)
    {
        this(baseUri, sharedSecret, Optional.empty(), Optional.empty());
    }

    /**
     * Reads of the worker's files only what the agent's settings do not give, so that an agent given its port, secret
     * and coordinator need not be able to read the worker's config at all.
     *
     * @param secret the secret the agent's settings give ({@link WorkerSecret#fromSettings})
     */
    public static TrinoWorkerSettings resolve(WatcherConfig config, Optional<Secret> secret)
    {
        // the coordinator is asked whether it saw SHUTTING_DOWN, and how many workers are active before a rebalance drain
        boolean asksCoordinator = config.coordinatorConfirmShutdown() || (config.rebalanceDrainEnabled() && config.rebalanceMinActiveWorkers() > 0);
        boolean needsCoordinator = asksCoordinator && config.coordinatorUri().isEmpty();
        boolean readsConfig = config.trinoPort().isEmpty() || secret.isEmpty() || needsCoordinator;
        boolean configExists = Files.exists(config.trinoConfigFile());
        Map<String, String> trino = readsConfig && configExists ? PropertiesFiles.load(config.trinoConfigFile()) : Map.of();
        int port;
        if (config.trinoPort().isPresent()) {
            port = config.trinoPort().getAsInt();
        }
        else {
            String value = trino.get(HTTP_PORT);
            if (value == null) {
                throw new ConfigException("no worker port: neither " + WatcherConfig.TRINO_PORT + " nor " + HTTP_PORT + " in "
                        + config.trinoConfigFile() + (configExists ? "" : " (file not found)"));
            }
            port = WatcherSettings.parsePort(HTTP_PORT + " in " + config.trinoConfigFile(), value.trim());
        }
        Optional<Secret> given = secret.or(() -> WorkerSecret.fromWorkerConfig(trino));
        boolean usesEnvironment = given.isEmpty() && config.trinoAllowNodeEnvironmentSecret();
        if (given.isEmpty() && !usesEnvironment) {
            throw WorkerSecret.missing(config, configExists);
        }
        Map<String, String> node = (usesEnvironment || asksCoordinator) && Files.exists(config.trinoNodePropertiesFile())
                ? PropertiesFiles.load(config.trinoNodePropertiesFile())
                : Map.of();
        String sharedSecret = given.map(Secret::value)
                .or(() -> Optional.ofNullable(node.get(NODE_ENVIRONMENT)).filter(value -> !value.isEmpty()))
                .orElseThrow(() -> new ConfigException("no internal shared secret: set " + WatcherConfig.TRINO_SHARED_SECRET_FILE
                        + ", or " + SHARED_SECRET + " in " + config.trinoConfigFile()
                        + ", or " + NODE_ENVIRONMENT + " in " + config.trinoNodePropertiesFile()));
        String host = config.trinoHost().contains(":") ? "[" + config.trinoHost() + "]" : config.trinoHost();
        Optional<URI> coordinatorUri = config.coordinatorUri().or(() -> Optional.ofNullable(trino.get(DISCOVERY_URI)).map(value -> {
            try {
                return URI.create(value.trim());
            }
            catch (IllegalArgumentException e) {
                throw new ConfigException(DISCOVERY_URI + " in " + config.trinoConfigFile() + " is not a URI: " + value, e);
            }
        }));
        return new TrinoWorkerSettings(URI.create("http://" + host + ":" + port), sharedSecret, coordinatorUri,
                Optional.ofNullable(node.get(NODE_ID)).map(String::trim).filter(id -> !id.isEmpty()));
    }

    @Override
    public String toString()
    {
        // Never log the secret.
        return "TrinoWorkerSettings[baseUri=" + baseUri + ", sharedSecret=***, coordinatorUri=" + coordinatorUri + ", nodeId=" + nodeId + "]";
    }
}
