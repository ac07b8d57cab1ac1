package io.trinospot.watcher.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Every setting of the watcher, read from a properties file; each has a default (see README.md).
 * Relative paths are resolved against the watcher's working directory.
 */
public record WatcherConfig(
        URI imdsEndpoint,
        Duration imdsTokenTtl,
        Duration imdsConnectTimeout,
        Duration imdsRequestTimeout,
        boolean imdsAllowV1,
        Duration pollInterval,
        Duration maxBackoff,
        Duration safetyMargin,
        boolean rebalanceDrainEnabled,
        Duration rebalanceUndrainAfter,
        boolean scheduledDrainEnabled,
        Duration scheduledDrainLeadTime,
        Duration drainTaskPollInterval,
        Duration drainEarlyFailDelay,
        Duration drainEarlyFailMaxDelay,
        boolean coordinatorConfirmShutdown,
        Optional<URI> coordinatorUri,
        String coordinatorUser,
        double drainEstimateFactor,
        String drainErrorCode,
        Path trinoConfigFile,
        Path trinoNodePropertiesFile,
        String trinoHost,
        OptionalInt trinoPort,
        Optional<String> trinoSharedSecret,
        Duration trinoRequestTimeout,
        boolean httpEnabled,
        String httpBindAddress,
        int httpPort,
        boolean dryRun)
{
    public static final String IMDS_ENDPOINT = "watcher.imds.endpoint";
    public static final String IMDS_TOKEN_TTL = "watcher.imds.token-ttl";
    public static final String IMDS_CONNECT_TIMEOUT = "watcher.imds.connect-timeout";
    public static final String IMDS_REQUEST_TIMEOUT = "watcher.imds.request-timeout";
    public static final String IMDS_ALLOW_V1 = "watcher.imds.allow-v1";
    public static final String POLL_INTERVAL = "watcher.poll-interval";
    public static final String MAX_BACKOFF = "watcher.max-backoff";
    public static final String SAFETY_MARGIN = "watcher.safety-margin";
    public static final String REBALANCE_DRAIN_ENABLED = "watcher.rebalance.drain-enabled";
    public static final String REBALANCE_UNDRAIN_AFTER = "watcher.rebalance.undrain-after";
    public static final String SCHEDULED_DRAIN_ENABLED = "watcher.scheduled.drain-enabled";
    public static final String SCHEDULED_DRAIN_LEAD_TIME = "watcher.scheduled.drain-lead-time";
    public static final String DRAIN_TASK_POLL_INTERVAL = "watcher.drain.task-poll-interval";
    public static final String DRAIN_EARLY_FAIL_DELAY = "watcher.drain.early-fail-delay";
    public static final String DRAIN_EARLY_FAIL_MAX_DELAY = "watcher.drain.early-fail-max-delay";
    public static final String COORDINATOR_CONFIRM_SHUTDOWN = "watcher.coordinator.confirm-shutdown";
    public static final String COORDINATOR_URI = "watcher.coordinator.uri";
    public static final String COORDINATOR_USER = "watcher.coordinator.user";
    public static final String DRAIN_ESTIMATE_FACTOR = "watcher.drain.estimate-factor";
    public static final String DRAIN_ERROR_CODE = "watcher.drain.error-code";
    public static final String TRINO_CONFIG_FILE = "watcher.trino.config-file";
    public static final String TRINO_NODE_PROPERTIES_FILE = "watcher.trino.node-properties-file";
    public static final String TRINO_HOST = "watcher.trino.host";
    public static final String TRINO_PORT = "watcher.trino.port";
    public static final String TRINO_SHARED_SECRET = "watcher.trino.shared-secret";
    public static final String TRINO_REQUEST_TIMEOUT = "watcher.trino.request-timeout";
    public static final String HTTP_ENABLED = "watcher.http.enabled";
    public static final String HTTP_BIND_ADDRESS = "watcher.http.bind-address";
    public static final String HTTP_PORT = "watcher.http.port";
    public static final String DRY_RUN = "watcher.dry-run";

    /** Error codes the coordinator retries under retry-policy=TASK (both have type INTERNAL_ERROR). */
    public static final Set<String> RETRYABLE_ERROR_CODES = Set.of("REMOTE_HOST_GONE", "GENERIC_INTERNAL_ERROR");

    private static final Set<String> KNOWN = Set.of(
            IMDS_ENDPOINT, IMDS_TOKEN_TTL, IMDS_CONNECT_TIMEOUT, IMDS_REQUEST_TIMEOUT, IMDS_ALLOW_V1, POLL_INTERVAL,
            MAX_BACKOFF, SAFETY_MARGIN, REBALANCE_DRAIN_ENABLED, REBALANCE_UNDRAIN_AFTER, SCHEDULED_DRAIN_ENABLED, SCHEDULED_DRAIN_LEAD_TIME,
            DRAIN_TASK_POLL_INTERVAL, DRAIN_EARLY_FAIL_DELAY, DRAIN_EARLY_FAIL_MAX_DELAY, COORDINATOR_CONFIRM_SHUTDOWN, COORDINATOR_URI,
            COORDINATOR_USER, DRAIN_ESTIMATE_FACTOR, DRAIN_ERROR_CODE, TRINO_CONFIG_FILE,
            TRINO_NODE_PROPERTIES_FILE, TRINO_HOST, TRINO_PORT, TRINO_SHARED_SECRET, TRINO_REQUEST_TIMEOUT,
            HTTP_ENABLED, HTTP_BIND_ADDRESS, HTTP_PORT, DRY_RUN);

    public WatcherConfig
    {
        requireNonNull(imdsEndpoint, "imdsEndpoint is null");
        requireNonNull(imdsTokenTtl, "imdsTokenTtl is null");
        requireNonNull(imdsConnectTimeout, "imdsConnectTimeout is null");
        requireNonNull(imdsRequestTimeout, "imdsRequestTimeout is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(safetyMargin, "safetyMargin is null");
        requireNonNull(rebalanceUndrainAfter, "rebalanceUndrainAfter is null");
        requireNonNull(scheduledDrainLeadTime, "scheduledDrainLeadTime is null");
        requireNonNull(drainTaskPollInterval, "drainTaskPollInterval is null");
        requireNonNull(drainEarlyFailDelay, "drainEarlyFailDelay is null");
        requireNonNull(drainEarlyFailMaxDelay, "drainEarlyFailMaxDelay is null");
        requireNonNull(coordinatorUri, "coordinatorUri is null");
        requireNonNull(coordinatorUser, "coordinatorUser is null");
        requireNonNull(drainErrorCode, "drainErrorCode is null");
        requireNonNull(trinoConfigFile, "trinoConfigFile is null");
        requireNonNull(trinoNodePropertiesFile, "trinoNodePropertiesFile is null");
        requireNonNull(trinoHost, "trinoHost is null");
        requireNonNull(trinoPort, "trinoPort is null");
        requireNonNull(trinoSharedSecret, "trinoSharedSecret is null");
        requireNonNull(trinoRequestTimeout, "trinoRequestTimeout is null");
        requireNonNull(httpBindAddress, "httpBindAddress is null");
        long ttlSeconds = imdsTokenTtl.toSeconds();
        if (ttlSeconds < 1 || ttlSeconds > 21600) {
            throw new ConfigException(IMDS_TOKEN_TTL + " must be between 1s and 6h (IMDS limit): " + imdsTokenTtl);
        }
        if (!pollInterval.isPositive() || !drainTaskPollInterval.isPositive()) {
            throw new ConfigException("poll intervals must be positive");
        }
        if (maxBackoff.compareTo(pollInterval) < 0) {
            throw new ConfigException(MAX_BACKOFF + " must be at least " + POLL_INTERVAL);
        }
        if (drainEarlyFailDelay.isNegative()) {
            throw new ConfigException(DRAIN_EARLY_FAIL_DELAY + " must not be negative: " + drainEarlyFailDelay);
        }
        if (drainEarlyFailMaxDelay.compareTo(drainEarlyFailDelay) < 0) {
            throw new ConfigException(DRAIN_EARLY_FAIL_MAX_DELAY + " (" + drainEarlyFailMaxDelay + ") must be at least " + DRAIN_EARLY_FAIL_DELAY + " (" + drainEarlyFailDelay + ")");
        }
        if (drainEstimateFactor < 1.0) {
            throw new ConfigException(DRAIN_ESTIMATE_FACTOR + " must be >= 1.0: " + drainEstimateFactor);
        }
        if (!RETRYABLE_ERROR_CODES.contains(drainErrorCode)) {
            throw new ConfigException(DRAIN_ERROR_CODE + " must be one of " + new TreeSet<>(RETRYABLE_ERROR_CODES) + ": " + drainErrorCode);
        }
    }

    public static WatcherConfig defaults()
    {
        return fromProperties(Map.of());
    }

    public static WatcherConfig load(Path file)
    {
        return fromProperties(PropertiesFiles.load(file));
    }

    public static WatcherConfig fromProperties(Map<String, String> properties)
    {
        Map<String, String> remaining = new HashMap<>(properties);
        Reader reader = new Reader(remaining);
        WatcherConfig config = new WatcherConfig(
                URI.create(reader.string(IMDS_ENDPOINT, "http://169.254.169.254").replaceAll("/+$", "")),
                reader.duration(IMDS_TOKEN_TTL, "6h"),
                reader.duration(IMDS_CONNECT_TIMEOUT, "1s"),
                reader.duration(IMDS_REQUEST_TIMEOUT, "2s"),
                reader.bool(IMDS_ALLOW_V1, false),
                reader.duration(POLL_INTERVAL, "1s"),
                reader.duration(MAX_BACKOFF, "5s"),
                reader.duration(SAFETY_MARGIN, "15s"),
                reader.bool(REBALANCE_DRAIN_ENABLED, true),
                reader.duration(REBALANCE_UNDRAIN_AFTER, "10m"),
                reader.bool(SCHEDULED_DRAIN_ENABLED, true),
                reader.duration(SCHEDULED_DRAIN_LEAD_TIME, "2m"),
                reader.duration(DRAIN_TASK_POLL_INTERVAL, "1s"),
                // Trino 483's coordinator reads worker states every 5 s; with retry-initial-delay=1s a retry is
                // placed 1 s after its failure, so 4 s after SHUTTING_DOWN the coordinator has had its 5 s.
                reader.duration(DRAIN_EARLY_FAIL_DELAY, "4s"),
                // Trino 483's coordinator lists a new state up to 10 s after the change (each 5 s poll mostly applies
                // the previous poll's answers); more on a loaded coordinator.
                reader.duration(DRAIN_EARLY_FAIL_MAX_DELAY, "15s"),
                reader.bool(COORDINATOR_CONFIRM_SHUTDOWN, true),
                reader.optionalString(COORDINATOR_URI).map(value -> Reader.parseUri(COORDINATOR_URI, value)),
                reader.string(COORDINATOR_USER, "trino-spot-watcher"),
                reader.decimal(DRAIN_ESTIMATE_FACTOR, 1.5),
                reader.string(DRAIN_ERROR_CODE, "REMOTE_HOST_GONE").toUpperCase(Locale.ROOT),
                Path.of(reader.string(TRINO_CONFIG_FILE, "etc/config.properties")),
                Path.of(reader.string(TRINO_NODE_PROPERTIES_FILE, "etc/node.properties")),
                reader.string(TRINO_HOST, "127.0.0.1"),
                reader.optionalString(TRINO_PORT).map(value -> OptionalInt.of(Reader.parsePort(TRINO_PORT, value))).orElse(OptionalInt.empty()),
                reader.optionalString(TRINO_SHARED_SECRET),
                reader.duration(TRINO_REQUEST_TIMEOUT, "5s"),
                reader.bool(HTTP_ENABLED, true),
                reader.string(HTTP_BIND_ADDRESS, "127.0.0.1"),
                Reader.parsePort(HTTP_PORT, reader.string(HTTP_PORT, "9190")),
                reader.bool(DRY_RUN, false));
        // A misspelt key would otherwise be ignored silently and its default used.
        Set<String> unknown = new TreeSet<>();
        remaining.keySet().stream().filter(key -> key.startsWith("watcher.")).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown settings: " + unknown + " (known: " + new TreeSet<>(KNOWN) + ")");
        }
        return config;
    }

    public WatcherConfig withDryRun(boolean dryRun)
    {
        return new WatcherConfig(imdsEndpoint, imdsTokenTtl, imdsConnectTimeout, imdsRequestTimeout, imdsAllowV1, pollInterval,
                maxBackoff, safetyMargin, rebalanceDrainEnabled, rebalanceUndrainAfter, scheduledDrainEnabled, scheduledDrainLeadTime, drainTaskPollInterval,
                drainEarlyFailDelay, drainEarlyFailMaxDelay, coordinatorConfirmShutdown, coordinatorUri, coordinatorUser, drainEstimateFactor, drainErrorCode, trinoConfigFile, trinoNodePropertiesFile, trinoHost, trinoPort, trinoSharedSecret,
                trinoRequestTimeout, httpEnabled, httpBindAddress, httpPort, dryRun);
    }

    private record Reader(Map<String, String> remaining)
    {
        String string(String key, String defaultValue)
        {
            return optionalString(key).orElse(defaultValue);
        }

        Optional<String> optionalString(String key)
        {
            String value = remaining.remove(key);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        Duration duration(String key, String defaultValue)
        {
            String value = string(key, defaultValue);
            try {
                return Durations.parse(value);
            }
            catch (IllegalArgumentException e) {
                throw new ConfigException(key + ": " + e.getMessage(), e);
            }
        }

        boolean bool(String key, boolean defaultValue)
        {
            String value = string(key, String.valueOf(defaultValue)).toLowerCase(Locale.ROOT);
            return switch (value) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key + " must be true or false: " + value);
            };
        }

        double decimal(String key, double defaultValue)
        {
            String value = string(key, String.valueOf(defaultValue));
            try {
                return Double.parseDouble(value);
            }
            catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a number: " + value, e);
            }
        }

        static URI parseUri(String key, String value)
        {
            try {
                URI uri = new URI(value);
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(key + " must be an http:// URI with a host: " + value);
                }
                return uri;
            }
            catch (URISyntaxException e) {
                throw new ConfigException(key + " is not a URI: " + value, e);
            }
        }

        static int parsePort(String key, String value)
        {
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 0 || port > 65535) {
                    throw new ConfigException(key + " out of range: " + value);
                }
                return port;
            }
            catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a port number: " + value, e);
            }
        }
    }
}
