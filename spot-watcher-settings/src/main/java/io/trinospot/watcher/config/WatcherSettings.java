package io.trinospot.watcher.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The agent's settings: every key, its syntax and its default, in the order README.md documents them. The agent reads
 * its properties file through this list ({@link WatcherConfig}); trino-config compiles this package too, renders the
 * {@code trino-spot-watcher} classification from these defaults and checks each value with {@link Setting#check}, so
 * a value that renders is one the agent starts with.
 */
public final class WatcherSettings
{
    /** How a value is written; each parser throws a {@link ConfigException} naming the key. */
    public enum Syntax
    {
        /** Airlift's Duration, as Trino writes durations: {@code 500ms}, {@code 1.5s}, {@code 10m}, {@code 2h}. */
        DURATION,
        BOOLEAN,
        /** An {@code http://} URI with a host: IMDS and the local worker speak plain HTTP. */
        HTTP_URI,
        /** An {@code http://} or {@code https://} URI with a host: the coordinator may require TLS. */
        HTTP_OR_HTTPS_URI,
        PORT,
        /** A whole number, zero or more. */
        COUNT,
        DECIMAL,
        /** One of {@link WatcherConfig#RETRYABLE_ERROR_CODES}, any case. */
        ERROR_CODE,
        /** Any text; a file path, a host name, a user. */
        TEXT
    }

    /**
     * One key. A blank value means the default; a setting without a default is unset until given.
     */
    public record Setting(String key, Syntax syntax, Optional<String> defaultValue)
    {
        public Setting
        {
            requireNonNull(key, "key is null");
            requireNonNull(syntax, "syntax is null");
            requireNonNull(defaultValue, "defaultValue is null");
        }

        /**
         * The value as the agent reads it: {@link java.time.Duration}, {@link Boolean}, {@link URI}, {@link Integer}
         * (ports, counts), {@link Double} or {@link String}. Ranges and rules across keys are {@link WatcherConfig}'s.
         */
        public Object parse(String value)
        {
            String trimmed = value.trim();
            return switch (syntax) {
                case DURATION -> parseDuration(key, trimmed);
                case BOOLEAN -> parseBoolean(key, trimmed);
                case HTTP_URI -> parseHttpUri(key, trimmed);
                case HTTP_OR_HTTPS_URI -> parseHttpOrHttpsUri(key, trimmed);
                case PORT -> parsePort(key, trimmed);
                case COUNT -> parseCount(key, trimmed);
                case DECIMAL -> parseDecimal(key, trimmed);
                case ERROR_CODE -> parseErrorCode(key, trimmed);
                case TEXT -> trimmed;
            };
        }

        /** Why the agent would refuse {@code value} for this key on its own, or empty; the reason names the key. */
        public Optional<String> check(String value)
        {
            try {
                parse(value);
                return Optional.empty();
            }
            catch (ConfigException e) {
                return Optional.of(e.reason());
            }
        }
    }

    public static final String IMDS_ENDPOINT = "watcher.imds.endpoint";
    public static final String IMDS_TOKEN_TTL = "watcher.imds.token-ttl";
    public static final String IMDS_CONNECT_TIMEOUT = "watcher.imds.connect-timeout";
    public static final String IMDS_REQUEST_TIMEOUT = "watcher.imds.request-timeout";
    public static final String IMDS_ALLOW_V1 = "watcher.imds.allow-v1";
    public static final String POLL_INTERVAL = "watcher.poll-interval";
    public static final String SPOT_POLL_INTERVAL = "watcher.spot.poll-interval";
    public static final String MAX_BACKOFF = "watcher.max-backoff";
    public static final String SAFETY_MARGIN = "watcher.safety-margin";
    public static final String DRAIN_TASK_POLL_INTERVAL = "watcher.drain.task-poll-interval";
    public static final String DRAIN_EARLY_FAIL_DELAY = "watcher.drain.early-fail-delay";
    public static final String DRAIN_EARLY_FAIL_MAX_DELAY = "watcher.drain.early-fail-max-delay";
    public static final String COORDINATOR_CONFIRM_SHUTDOWN = "watcher.coordinator.confirm-shutdown";
    public static final String COORDINATOR_URI = "watcher.coordinator.uri";
    public static final String COORDINATOR_USER = "watcher.coordinator.user";
    public static final String COORDINATOR_ANNOUNCE_CATALOG = "watcher.coordinator.announce-catalog";
    public static final String COORDINATOR_TRUSTSTORE_PATH = "watcher.coordinator.truststore-path";
    public static final String COORDINATOR_TRUSTSTORE_PASSWORD_FILE = "watcher.coordinator.truststore-password-file";
    public static final String COORDINATOR_PASSWORD_FILE = "watcher.coordinator.password-file";
    public static final String COORDINATOR_TOKEN_FILE = "watcher.coordinator.token-file";
    public static final String DRAIN_ESTIMATE_FACTOR = "watcher.drain.estimate-factor";
    public static final String DRAIN_ERROR_CODE = "watcher.drain.error-code";
    public static final String REBALANCE_DRAIN_ENABLED = "watcher.rebalance.drain-enabled";
    public static final String REBALANCE_MIN_ACTIVE_WORKERS = "watcher.rebalance.min-active-workers";
    public static final String REBALANCE_UNDRAIN_AFTER = "watcher.rebalance.undrain-after";
    public static final String REBALANCE_MAX_DELAY = "watcher.rebalance.max-delay";
    public static final String SCHEDULED_DRAIN_ENABLED = "watcher.scheduled.drain-enabled";
    public static final String SCHEDULED_DRAIN_LEAD_TIME = "watcher.scheduled.drain-lead-time";
    public static final String TRINO_CONFIG_FILE = "watcher.trino.config-file";
    public static final String TRINO_NODE_PROPERTIES_FILE = "watcher.trino.node-properties-file";
    public static final String TRINO_HOST = "watcher.trino.host";
    public static final String TRINO_PORT = "watcher.trino.port";
    public static final String TRINO_SHARED_SECRET = "watcher.trino.shared-secret";
    public static final String TRINO_SHARED_SECRET_FILE = "watcher.trino.shared-secret-file";
    public static final String TRINO_ALLOW_NODE_ENVIRONMENT_SECRET = "watcher.trino.allow-node-environment-secret";
    public static final String TRINO_REQUEST_TIMEOUT = "watcher.trino.request-timeout";
    public static final String HEALTH_UNHEALTHY_AFTER = "watcher.health.unhealthy-after";
    public static final String HTTP_ENABLED = "watcher.http.enabled";
    public static final String HTTP_BIND_ADDRESS = "watcher.http.bind-address";
    public static final String HTTP_PORT = "watcher.http.port";
    public static final String DRY_RUN = "watcher.dry-run";

    private static final List<Setting> ALL = List.of(
            setting(IMDS_ENDPOINT, Syntax.HTTP_URI, "http://169.254.169.254"),
            setting(IMDS_TOKEN_TTL, Syntax.DURATION, "6h"),
            setting(IMDS_CONNECT_TIMEOUT, Syntax.DURATION, "1s"),
            setting(IMDS_REQUEST_TIMEOUT, Syntax.DURATION, "2s"),
            setting(IMDS_ALLOW_V1, Syntax.BOOLEAN, "false"),
            setting(POLL_INTERVAL, Syntax.DURATION, "5s"),
            setting(SPOT_POLL_INTERVAL, Syntax.DURATION, "250ms"),
            setting(MAX_BACKOFF, Syntax.DURATION, "5s"),
            setting(SAFETY_MARGIN, Syntax.DURATION, "15s"),
            setting(DRAIN_TASK_POLL_INTERVAL, Syntax.DURATION, "1s"),
            // Trino 483's coordinator reads worker states every 5 s; with retry-initial-delay=1s a retry is
            // placed 1 s after its failure, so 4 s after SHUTTING_DOWN the coordinator has had its 5 s.
            setting(DRAIN_EARLY_FAIL_DELAY, Syntax.DURATION, "4s"),
            // Trino 483's coordinator lists a new state up to 10 s after the change (each 5 s poll mostly applies
            // the previous poll's answers); more on a loaded coordinator.
            setting(DRAIN_EARLY_FAIL_MAX_DELAY, Syntax.DURATION, "15s"),
            setting(COORDINATOR_CONFIRM_SHUTDOWN, Syntax.BOOLEAN, "true"),
            // unset: the worker's discovery.uri
            new Setting(COORDINATOR_URI, Syntax.HTTP_OR_HTTPS_URI, Optional.empty()),
            setting(COORDINATOR_USER, Syntax.TEXT, "trino-spot-watcher"),
            // the coordinator's spot_node_state catalog, as trino-config renders it; none: only ask system.runtime.nodes
            setting(COORDINATOR_ANNOUNCE_CATALOG, Syntax.TEXT, "spot"),
            // unset: the JDK's default trust store
            new Setting(COORDINATOR_TRUSTSTORE_PATH, Syntax.TEXT, Optional.empty()),
            // unset: the trust store is read without a password
            new Setting(COORDINATOR_TRUSTSTORE_PASSWORD_FILE, Syntax.TEXT, Optional.empty()),
            // Secrets are read from files, so that they never appear in a rendered or diffed configuration.
            new Setting(COORDINATOR_PASSWORD_FILE, Syntax.TEXT, Optional.empty()),
            new Setting(COORDINATOR_TOKEN_FILE, Syntax.TEXT, Optional.empty()),
            setting(DRAIN_ESTIMATE_FACTOR, Syntax.DECIMAL, "1.5"),
            setting(DRAIN_ERROR_CODE, Syntax.ERROR_CODE, "ADMINISTRATIVELY_PREEMPTED"),
            // EC2 sends rebalance recommendations to whole capacity pools, often with no interruption after them:
            // draining on each would put every Spot worker of a pool in DRAINING at once.
            setting(REBALANCE_DRAIN_ENABLED, Syntax.BOOLEAN, "false"),
            // Two, not one: under retry-policy=TASK the tasks of an interrupted worker are retried on another one, so
            // the cluster keeps a worker for them even when one of those left active gets its Spot notice.
            setting(REBALANCE_MIN_ACTIVE_WORKERS, Syntax.COUNT, "2"),
            setting(REBALANCE_UNDRAIN_AFTER, Syntax.DURATION, "10m"),
            // A recommendation reaches a whole pool at once: each agent checks the floor after its own random delay
            // up to this, so that it sees the drains of the agents that checked before it.
            setting(REBALANCE_MAX_DELAY, Syntax.DURATION, "30s"),
            setting(SCHEDULED_DRAIN_ENABLED, Syntax.BOOLEAN, "true"),
            setting(SCHEDULED_DRAIN_LEAD_TIME, Syntax.DURATION, "2m"),
            setting(TRINO_CONFIG_FILE, Syntax.TEXT, "etc/config.properties"),
            setting(TRINO_NODE_PROPERTIES_FILE, Syntax.TEXT, "etc/node.properties"),
            setting(TRINO_HOST, Syntax.TEXT, "127.0.0.1"),
            // unset: http-server.http.port of the worker's config file
            new Setting(TRINO_PORT, Syntax.PORT, Optional.empty()),
            // unset: the worker's internal-communication.shared-secret, unless the secret file gives one
            new Setting(TRINO_SHARED_SECRET, Syntax.TEXT, Optional.empty()),
            // unset: watcher.trino.shared-secret, else the worker's internal-communication.shared-secret
            new Setting(TRINO_SHARED_SECRET_FILE, Syntax.TEXT, Optional.empty()),
            // node.environment is no secret: anyone who knows it could take the worker out of service
            setting(TRINO_ALLOW_NODE_ENVIRONMENT_SECRET, Syntax.BOOLEAN, "false"),
            setting(TRINO_REQUEST_TIMEOUT, Syntax.DURATION, "5s"),
            // Several polls at max-backoff (each up to a request timeout) fail before IMDS counts as silent, so a
            // throttled or restarting IMDS does not flap the health; a blind agent still shows well within a
            // two-minute Spot notice. The worker is checked every third of it: its restart (seconds) passes unseen.
            setting(HEALTH_UNHEALTHY_AFTER, Syntax.DURATION, "30s"),
            setting(HTTP_ENABLED, Syntax.BOOLEAN, "true"),
            setting(HTTP_BIND_ADDRESS, Syntax.TEXT, "127.0.0.1"),
            setting(HTTP_PORT, Syntax.PORT, "9190"),
            setting(DRY_RUN, Syntax.BOOLEAN, "false"));

    private static final Map<String, Setting> BY_KEY;
    private static final java.time.Duration MIN_DURATION = java.time.Duration.ofMillis(1);
    private static final java.time.Duration MAX_DURATION = java.time.Duration.ofDays(30);

    static {
        Map<String, Setting> byKey = new LinkedHashMap<>();
        for (Setting setting : ALL) {
            if (byKey.put(setting.key(), setting) != null) {
                throw new IllegalStateException("listed twice: " + setting.key());
            }
        }
        BY_KEY = byKey;
    }

    private WatcherSettings() {}

    /** Every setting, in documentation order. */
    public static List<Setting> all()
    {
        return ALL;
    }

    public static Set<String> keys()
    {
        return new TreeSet<>(BY_KEY.keySet());
    }

    public static Optional<Setting> find(String key)
    {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** The keys that have a default, with it, in documentation order. */
    public static Map<String, String> defaults()
    {
        Map<String, String> defaults = new LinkedHashMap<>();
        ALL.forEach(setting -> setting.defaultValue().ifPresent(value -> defaults.put(setting.key(), value)));
        return defaults;
    }

    static java.time.Duration parseDuration(String key, String value)
    {
        java.time.Duration duration;
        try {
            duration = io.airlift.units.Duration.valueOf(value).toJavaTime();
        }
        catch (IllegalArgumentException | ArithmeticException e) {
            throw ConfigException.forKey(key, "'" + value + "' is not a duration such as 500ms, 30s, 1m or 2h");
        }
        // The agent waits and schedules in whole milliseconds: a smaller value would become zero or spin.
        if (!duration.isZero() && duration.compareTo(MIN_DURATION) < 0) {
            throw ConfigException.forKey(key, "'" + value + "' is below 1ms, the smallest duration the agent can wait");
        }
        // Longer than any wait of the agent, and the arithmetic on far longer ones overflows.
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw ConfigException.forKey(key, "'" + value + "' is above 30d, the longest duration the agent accepts");
        }
        return duration;
    }

    static boolean parseBoolean(String key, String value)
    {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.forKey(key, "'" + value + "' is not a boolean (true or false)");
        };
    }

    static double parseDecimal(String key, String value)
    {
        try {
            double parsed = Double.parseDouble(value);
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        throw ConfigException.forKey(key, "'" + value + "' is not a number");
    }

    static URI parseHttpUri(String key, String value)
    {
        try {
            URI uri = new URI(value);
            if ("http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return uri;
            }
        }
        catch (URISyntaxException ignored) {
            // reported below
        }
        throw ConfigException.forKey(key, "'" + value + "' is not an http:// URI with a host");
    }

    static URI parseHttpOrHttpsUri(String key, String value)
    {
        try {
            URI uri = new URI(value);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        }
        catch (URISyntaxException ignored) {
            // reported below
        }
        throw ConfigException.forKey(key, "'" + value + "' is not an http:// or https:// URI with a host");
    }

    static int parseCount(String key, String value)
    {
        try {
            int count = Integer.parseInt(value);
            if (count >= 0) {
                return count;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        throw ConfigException.forKey(key, "'" + value + "' is not a whole number of zero or more");
    }

    static int parsePort(String key, String value)
    {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        throw ConfigException.forKey(key, "'" + value + "' is not a port number (0 to 65535)");
    }

    static String parseErrorCode(String key, String value)
    {
        String code = value.toUpperCase(Locale.ROOT);
        if (!WatcherConfig.RETRYABLE_ERROR_CODES.contains(code)) {
            throw ConfigException.forKey(key, "'" + value + "' is not one of " + new TreeSet<>(WatcherConfig.RETRYABLE_ERROR_CODES));
        }
        return code;
    }

    private static Setting setting(String key, Syntax syntax, String defaultValue)
    {
        return new Setting(key, syntax, Optional.of(defaultValue));
    }
}
