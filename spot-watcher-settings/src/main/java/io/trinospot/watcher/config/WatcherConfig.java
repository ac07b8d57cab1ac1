package io.trinospot.watcher.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Every setting of the watcher, read from a properties file; each has a default (see README.md).
 * Relative paths are resolved against the watcher's working directory.
 *
 * @param trinoSharedSecretFile a path, with {@code ${ENV:NAME}} taking the value of the environment variable NAME when
 * the agent reads the file at start (see {@link WorkerSecret})
 */
public record WatcherConfig(
        URI imdsEndpoint,
        Duration imdsTokenTtl,
        Duration imdsConnectTimeout,
        Duration imdsRequestTimeout,
        boolean imdsAllowV1,
        Duration pollInterval,
        Duration spotPollInterval,
        Duration maxBackoff,
        Duration safetyMargin,
        boolean rebalanceDrainEnabled,
        Duration rebalanceUndrainAfter,
        int rebalanceMinActiveWorkers,
        Duration rebalanceMaxDelay,
        boolean scheduledDrainEnabled,
        Duration scheduledDrainLeadTime,
        Duration drainTaskPollInterval,
        Duration drainEarlyFailDelay,
        Duration drainEarlyFailMaxDelay,
        boolean coordinatorConfirmShutdown,
        Optional<URI> coordinatorUri,
        String coordinatorUser,
        Optional<String> coordinatorAnnounceCatalog,
        CoordinatorSecurity coordinatorSecurity,
        double drainEstimateFactor,
        String drainErrorCode,
        Path trinoConfigFile,
        Path trinoNodePropertiesFile,
        String trinoHost,
        OptionalInt trinoPort,
        Optional<Secret> trinoSharedSecret,
        Optional<String> trinoSharedSecretFile,
        boolean trinoAllowNodeEnvironmentSecret,
        Duration trinoRequestTimeout,
        Duration healthUnhealthyAfter,
        boolean httpEnabled,
        String httpBindAddress,
        int httpPort,
        boolean dryRun)
{
    public static final String IMDS_ENDPOINT = WatcherSettings.IMDS_ENDPOINT;
    public static final String IMDS_TOKEN_TTL = WatcherSettings.IMDS_TOKEN_TTL;
    public static final String IMDS_CONNECT_TIMEOUT = WatcherSettings.IMDS_CONNECT_TIMEOUT;
    public static final String IMDS_REQUEST_TIMEOUT = WatcherSettings.IMDS_REQUEST_TIMEOUT;
    public static final String IMDS_ALLOW_V1 = WatcherSettings.IMDS_ALLOW_V1;
    public static final String POLL_INTERVAL = WatcherSettings.POLL_INTERVAL;
    public static final String SPOT_POLL_INTERVAL = WatcherSettings.SPOT_POLL_INTERVAL;
    public static final String MAX_BACKOFF = WatcherSettings.MAX_BACKOFF;
    public static final String SAFETY_MARGIN = WatcherSettings.SAFETY_MARGIN;
    public static final String REBALANCE_DRAIN_ENABLED = WatcherSettings.REBALANCE_DRAIN_ENABLED;
    public static final String REBALANCE_UNDRAIN_AFTER = WatcherSettings.REBALANCE_UNDRAIN_AFTER;
    public static final String REBALANCE_MAX_DELAY = WatcherSettings.REBALANCE_MAX_DELAY;
    public static final String REBALANCE_MIN_ACTIVE_WORKERS = WatcherSettings.REBALANCE_MIN_ACTIVE_WORKERS;
    public static final String SCHEDULED_DRAIN_ENABLED = WatcherSettings.SCHEDULED_DRAIN_ENABLED;
    public static final String SCHEDULED_DRAIN_LEAD_TIME = WatcherSettings.SCHEDULED_DRAIN_LEAD_TIME;
    public static final String DRAIN_TASK_POLL_INTERVAL = WatcherSettings.DRAIN_TASK_POLL_INTERVAL;
    public static final String DRAIN_EARLY_FAIL_DELAY = WatcherSettings.DRAIN_EARLY_FAIL_DELAY;
    public static final String DRAIN_EARLY_FAIL_MAX_DELAY = WatcherSettings.DRAIN_EARLY_FAIL_MAX_DELAY;
    public static final String COORDINATOR_CONFIRM_SHUTDOWN = WatcherSettings.COORDINATOR_CONFIRM_SHUTDOWN;
    public static final String COORDINATOR_URI = WatcherSettings.COORDINATOR_URI;
    public static final String COORDINATOR_USER = WatcherSettings.COORDINATOR_USER;
    public static final String COORDINATOR_ANNOUNCE_CATALOG = WatcherSettings.COORDINATOR_ANNOUNCE_CATALOG;
    public static final String COORDINATOR_TRUSTSTORE_PATH = WatcherSettings.COORDINATOR_TRUSTSTORE_PATH;
    public static final String COORDINATOR_TRUSTSTORE_PASSWORD_FILE = WatcherSettings.COORDINATOR_TRUSTSTORE_PASSWORD_FILE;
    public static final String COORDINATOR_PASSWORD_FILE = WatcherSettings.COORDINATOR_PASSWORD_FILE;
    public static final String COORDINATOR_TOKEN_FILE = WatcherSettings.COORDINATOR_TOKEN_FILE;
    public static final String DRAIN_ESTIMATE_FACTOR = WatcherSettings.DRAIN_ESTIMATE_FACTOR;
    public static final String DRAIN_ERROR_CODE = WatcherSettings.DRAIN_ERROR_CODE;
    public static final String TRINO_CONFIG_FILE = WatcherSettings.TRINO_CONFIG_FILE;
    public static final String TRINO_NODE_PROPERTIES_FILE = WatcherSettings.TRINO_NODE_PROPERTIES_FILE;
    public static final String TRINO_HOST = WatcherSettings.TRINO_HOST;
    public static final String TRINO_PORT = WatcherSettings.TRINO_PORT;
    public static final String TRINO_SHARED_SECRET = WatcherSettings.TRINO_SHARED_SECRET;
    public static final String TRINO_SHARED_SECRET_FILE = WatcherSettings.TRINO_SHARED_SECRET_FILE;
    public static final String TRINO_ALLOW_NODE_ENVIRONMENT_SECRET = WatcherSettings.TRINO_ALLOW_NODE_ENVIRONMENT_SECRET;
    public static final String TRINO_REQUEST_TIMEOUT = WatcherSettings.TRINO_REQUEST_TIMEOUT;
    public static final String HEALTH_UNHEALTHY_AFTER = WatcherSettings.HEALTH_UNHEALTHY_AFTER;
    public static final String HTTP_ENABLED = WatcherSettings.HTTP_ENABLED;
    public static final String HTTP_BIND_ADDRESS = WatcherSettings.HTTP_BIND_ADDRESS;
    public static final String HTTP_PORT = WatcherSettings.HTTP_PORT;
    public static final String DRY_RUN = WatcherSettings.DRY_RUN;

    /** Error codes the coordinator retries under retry-policy=TASK: {@link DrainErrorCode}. */
    public static final Set<String> RETRYABLE_ERROR_CODES = DrainErrorCode.names();

    public WatcherConfig
    {
        requireNonNull(imdsEndpoint, "imdsEndpoint is null");
        requireNonNull(imdsTokenTtl, "imdsTokenTtl is null");
        requireNonNull(imdsConnectTimeout, "imdsConnectTimeout is null");
        requireNonNull(imdsRequestTimeout, "imdsRequestTimeout is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(spotPollInterval, "spotPollInterval is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(safetyMargin, "safetyMargin is null");
        requireNonNull(rebalanceUndrainAfter, "rebalanceUndrainAfter is null");
        requireNonNull(scheduledDrainLeadTime, "scheduledDrainLeadTime is null");
        requireNonNull(drainTaskPollInterval, "drainTaskPollInterval is null");
        requireNonNull(drainEarlyFailDelay, "drainEarlyFailDelay is null");
        requireNonNull(drainEarlyFailMaxDelay, "drainEarlyFailMaxDelay is null");
        requireNonNull(coordinatorUri, "coordinatorUri is null");
        requireNonNull(coordinatorUser, "coordinatorUser is null");
        requireNonNull(coordinatorAnnounceCatalog, "coordinatorAnnounceCatalog is null");
        coordinatorAnnounceCatalog.ifPresent(catalog -> {
            // the catalog names trino-config accepts (Classifications.CATALOG_NAME); the name goes into a CALL statement
            if (!catalog.matches("[a-z][a-z0-9_]*")) {
                throw ConfigException.forKey(COORDINATOR_ANNOUNCE_CATALOG, "'" + catalog + "' is not a catalog name (lower-case letters, digits and _), nor none");
            }
        });
        requireNonNull(coordinatorSecurity, "coordinatorSecurity is null");
        requireNonNull(drainErrorCode, "drainErrorCode is null");
        requireNonNull(trinoConfigFile, "trinoConfigFile is null");
        requireNonNull(trinoNodePropertiesFile, "trinoNodePropertiesFile is null");
        requireNonNull(trinoHost, "trinoHost is null");
        requireNonNull(trinoPort, "trinoPort is null");
        requireNonNull(trinoSharedSecret, "trinoSharedSecret is null");
        requireNonNull(trinoSharedSecretFile, "trinoSharedSecretFile is null");
        requireNonNull(trinoRequestTimeout, "trinoRequestTimeout is null");
        requireNonNull(healthUnhealthyAfter, "healthUnhealthyAfter is null");
        requireNonNull(httpBindAddress, "httpBindAddress is null");
        long ttlSeconds = imdsTokenTtl.toSeconds();
        if (ttlSeconds < 1 || ttlSeconds > 21600) {
            throw ConfigException.forKey(IMDS_TOKEN_TTL, "must be between 1s and 6h (IMDS limit): " + imdsTokenTtl);
        }
        // Zero would poll in a tight loop, time out every request at once, or undo a drain as it starts.
        requirePositive(IMDS_CONNECT_TIMEOUT, imdsConnectTimeout);
        requirePositive(IMDS_REQUEST_TIMEOUT, imdsRequestTimeout);
        requirePositive(POLL_INTERVAL, pollInterval);
        requirePositive(SPOT_POLL_INTERVAL, spotPollInterval);
        requirePositive(MAX_BACKOFF, maxBackoff);
        requirePositive(DRAIN_TASK_POLL_INTERVAL, drainTaskPollInterval);
        requirePositive(REBALANCE_UNDRAIN_AFTER, rebalanceUndrainAfter);
        requirePositive(TRINO_REQUEST_TIMEOUT, trinoRequestTimeout);
        requirePositive(HEALTH_UNHEALTHY_AFTER, healthUnhealthyAfter);
        if (safetyMargin.isNegative()) {
            throw ConfigException.forKey(SAFETY_MARGIN, "must not be negative: " + safetyMargin);
        }
        if (scheduledDrainLeadTime.isNegative()) {
            throw ConfigException.forKey(SCHEDULED_DRAIN_LEAD_TIME, "must not be negative: " + scheduledDrainLeadTime);
        }
        if (maxBackoff.compareTo(pollInterval) < 0) {
            throw ConfigException.forKey(MAX_BACKOFF, "(" + maxBackoff + ") must be at least " + POLL_INTERVAL + " (" + pollInterval + ")");
        }
        if (maxBackoff.compareTo(spotPollInterval) < 0) {
            throw ConfigException.forKey(MAX_BACKOFF, "(" + maxBackoff + ") must be at least " + SPOT_POLL_INTERVAL + " (" + spotPollInterval + ")");
        }
        // Shorter, and IMDS would count as silent between two polls backing off from a single failure.
        if (healthUnhealthyAfter.compareTo(maxBackoff.plus(imdsRequestTimeout)) < 0) {
            throw ConfigException.forKey(HEALTH_UNHEALTHY_AFTER, "(" + healthUnhealthyAfter + ") must be at least " + MAX_BACKOFF + " + " + IMDS_REQUEST_TIMEOUT
                    + " (" + maxBackoff.plus(imdsRequestTimeout) + ")");
        }
        if (drainEarlyFailDelay.isNegative()) {
            throw ConfigException.forKey(DRAIN_EARLY_FAIL_DELAY, "must not be negative: " + drainEarlyFailDelay);
        }
        if (drainEarlyFailMaxDelay.compareTo(drainEarlyFailDelay) < 0) {
            throw ConfigException.forKey(DRAIN_EARLY_FAIL_MAX_DELAY, "(" + drainEarlyFailMaxDelay + ") must be at least " + DRAIN_EARLY_FAIL_DELAY + " (" + drainEarlyFailDelay + ")");
        }
        if (drainEstimateFactor < 1.0) {
            throw ConfigException.forKey(DRAIN_ESTIMATE_FACTOR, "must be >= 1.0: " + drainEstimateFactor);
        }
        if (!RETRYABLE_ERROR_CODES.contains(drainErrorCode)) {
            throw ConfigException.forKey(DRAIN_ERROR_CODE, "must be one of " + new TreeSet<>(RETRYABLE_ERROR_CODES) + ": " + drainErrorCode);
        }
        if (trinoSharedSecret.isPresent() && trinoSharedSecretFile.isPresent()) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "set either it or " + TRINO_SHARED_SECRET + ", not both");
        }
        trinoSharedSecretFile.ifPresent(WorkerSecret::checkFileSyntax);
        requireNonNull(rebalanceMaxDelay, "rebalanceMaxDelay is null");
        if (rebalanceMaxDelay.isNegative()) {
            throw ConfigException.forKey(REBALANCE_MAX_DELAY, "must not be negative: " + rebalanceMaxDelay);
        }
        if (rebalanceMinActiveWorkers < 0) {
            throw ConfigException.forKey(REBALANCE_MIN_ACTIVE_WORKERS, "must not be negative: " + rebalanceMinActiveWorkers);
        }
        // A coordinator address from the worker's discovery.uri is checked when it is read.
        coordinatorUri.ifPresent(uri -> coordinatorSecurity.checkCoordinatorUri(uri, COORDINATOR_URI));
        if (coordinatorSecurity.passwordFile().isPresent() && coordinatorUser.contains(":")) {
            // HTTP Basic joins user and password with a colon: the coordinator would split them elsewhere.
            throw ConfigException.forKey(COORDINATOR_USER, "'" + coordinatorUser + "' contains ':', which password authentication cannot send");
        }
    }

    private static void requirePositive(String key, Duration value)
    {
        if (!value.isPositive()) {
            throw ConfigException.forKey(key, "must be at least 1ms: " + value);
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
        // A misspelt key would otherwise be ignored silently and its default used.
        Set<String> unknown = new TreeSet<>();
        properties.keySet().stream()
                .filter(key -> key.startsWith("watcher.") && WatcherSettings.find(key).isEmpty())
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown settings: " + unknown + " (known: " + WatcherSettings.keys() + ")");
        }
        Reader reader = new Reader(properties);
        return new WatcherConfig(
                URI.create(reader.<URI>get(IMDS_ENDPOINT).toString().replaceAll("/+$", "")),
                reader.get(IMDS_TOKEN_TTL),
                reader.get(IMDS_CONNECT_TIMEOUT),
                reader.get(IMDS_REQUEST_TIMEOUT),
                reader.get(IMDS_ALLOW_V1),
                reader.get(POLL_INTERVAL),
                reader.get(SPOT_POLL_INTERVAL),
                reader.get(MAX_BACKOFF),
                reader.get(SAFETY_MARGIN),
                reader.get(REBALANCE_DRAIN_ENABLED),
                reader.get(REBALANCE_UNDRAIN_AFTER),
                reader.<Integer>get(REBALANCE_MIN_ACTIVE_WORKERS),
                reader.get(REBALANCE_MAX_DELAY),
                reader.get(SCHEDULED_DRAIN_ENABLED),
                reader.get(SCHEDULED_DRAIN_LEAD_TIME),
                reader.get(DRAIN_TASK_POLL_INTERVAL),
                reader.get(DRAIN_EARLY_FAIL_DELAY),
                reader.get(DRAIN_EARLY_FAIL_MAX_DELAY),
                reader.get(COORDINATOR_CONFIRM_SHUTDOWN),
                reader.optional(COORDINATOR_URI),
                reader.get(COORDINATOR_USER),
                Optional.of(reader.<String>get(COORDINATOR_ANNOUNCE_CATALOG)).filter(catalog -> !catalog.equalsIgnoreCase("none")),
                new CoordinatorSecurity(
                        reader.<String>optional(COORDINATOR_TRUSTSTORE_PATH).map(Path::of),
                        reader.<String>optional(COORDINATOR_TRUSTSTORE_PASSWORD_FILE).map(Path::of),
                        reader.<String>optional(COORDINATOR_PASSWORD_FILE).map(Path::of),
                        reader.<String>optional(COORDINATOR_TOKEN_FILE).map(Path::of)),
                reader.<Double>get(DRAIN_ESTIMATE_FACTOR),
                reader.get(DRAIN_ERROR_CODE),
                Path.of(reader.<String>get(TRINO_CONFIG_FILE)),
                Path.of(reader.<String>get(TRINO_NODE_PROPERTIES_FILE)),
                reader.get(TRINO_HOST),
                reader.<Integer>optional(TRINO_PORT).map(OptionalInt::of).orElse(OptionalInt.empty()),
                reader.<String>optional(TRINO_SHARED_SECRET).map(Secret::new),
                reader.optional(TRINO_SHARED_SECRET_FILE),
                reader.get(TRINO_ALLOW_NODE_ENVIRONMENT_SECRET),
                reader.get(TRINO_REQUEST_TIMEOUT),
                reader.get(HEALTH_UNHEALTHY_AFTER),
                reader.get(HTTP_ENABLED),
                reader.get(HTTP_BIND_ADDRESS),
                reader.<Integer>get(HTTP_PORT),
                reader.get(DRY_RUN));
    }

    public WatcherConfig withDryRun(boolean dryRun)
    {
        return new WatcherConfig(imdsEndpoint, imdsTokenTtl, imdsConnectTimeout, imdsRequestTimeout, imdsAllowV1, pollInterval,
                spotPollInterval, maxBackoff, safetyMargin, rebalanceDrainEnabled, rebalanceUndrainAfter, rebalanceMinActiveWorkers, rebalanceMaxDelay, scheduledDrainEnabled, scheduledDrainLeadTime,
                drainTaskPollInterval, drainEarlyFailDelay, drainEarlyFailMaxDelay, coordinatorConfirmShutdown, coordinatorUri, coordinatorUser, coordinatorAnnounceCatalog, coordinatorSecurity,
                drainEstimateFactor, drainErrorCode, trinoConfigFile, trinoNodePropertiesFile, trinoHost, trinoPort, trinoSharedSecret,
                trinoSharedSecretFile, trinoAllowNodeEnvironmentSecret, trinoRequestTimeout, healthUnhealthyAfter, httpEnabled, httpBindAddress, httpPort, dryRun);
    }

    /** Each value through its setting's parser; a blank value means the default. */
    private record Reader(Map<String, String> properties)
    {
        @SuppressWarnings("unchecked")
        <T> Optional<T> optional(String key)
        {
            WatcherSettings.Setting setting = WatcherSettings.find(key).orElseThrow();
            return Optional.ofNullable(properties.get(key))
                    .filter(value -> !value.isBlank())
                    .or(setting::defaultValue)
                    .map(value -> (T) setting.parse(value));
        }

        <T> T get(String key)
        {
            return this.<T>optional(key).orElseThrow();
        }
    }
}
