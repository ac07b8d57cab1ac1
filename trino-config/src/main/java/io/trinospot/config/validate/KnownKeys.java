package io.trinospot.config.validate;

import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.FteKeys;
import io.trinospot.config.model.JvmKeys;
import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.watcher.config.TrinoWorkerSettings;
import io.trinospot.watcher.config.WatcherSettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.trinospot.config.model.Classifications.CORE_SITE;
import static io.trinospot.config.model.Classifications.EXCHANGE_MANAGER;
import static io.trinospot.config.model.Classifications.SPOT_FTE;
import static io.trinospot.config.model.Classifications.SPOT_JVM;
import static io.trinospot.config.model.Classifications.SPOT_NODE_REFRESH;
import static io.trinospot.config.model.Classifications.SPOT_WATCHER;
import static io.trinospot.config.model.Classifications.TRINO_CONFIG;
import static io.trinospot.config.model.Classifications.TRINO_LOG;
import static io.trinospot.config.model.Classifications.TRINO_NODE;
import static io.trinospot.config.validate.KeyType.BOOLEAN;
import static io.trinospot.config.validate.KeyType.DATA_SIZE;
import static io.trinospot.config.validate.KeyType.DURATION;
import static io.trinospot.config.validate.KeyType.HTTP_URI;
import static io.trinospot.config.validate.KeyType.PORT;
import static io.trinospot.config.validate.KeyType.POSITIVE_INTEGER;
import static java.util.Map.entry;

/**
 * The keys whose values are checked. Trino has hundreds of properties; unlisted keys of Trino classifications pass
 * through unchecked, while our own classifications are closed (an unknown key there is a typo).
 */
public final class KnownKeys
{
    public static final String RETRY_POLICY = "retry-policy";
    public static final String COMPRESSION_CODEC = "exchange.compression-codec";
    public static final String COMPRESSION_ENABLED = "exchange.compression-enabled";
    /** Defunct in Trino 483's exchange managers; render moves it to {@link #FTE_EXCHANGE_ENCRYPTION_ENABLED}. */
    public static final String EXCHANGE_ENCRYPTION_ENABLED = "exchange.encryption-enabled";
    public static final String FTE_EXCHANGE_ENCRYPTION_ENABLED = "fault-tolerant-execution.exchange-encryption-enabled";
    public static final String SHUTDOWN_GRACE_PERIOD = "shutdown.grace-period";
    public static final String TASK_INFO_MAX_AGE = "task.info.max-age";
    public static final String REMOTE_TASK_MAX_ERROR_DURATION = "query.remote-task.max-error-duration";
    public static final String COORDINATOR = "coordinator";
    public static final String INCLUDE_COORDINATOR = "node-scheduler.include-coordinator";
    public static final String HTTP_PORT = "http-server.http.port";
    /** The input Trino derives its internal token key from; without it, node.environment is used. */
    public static final String SHARED_SECRET = TrinoWorkerSettings.SHARED_SECRET;
    public static final String DISCOVERY_URI = "discovery.uri";
    public static final String EXCHANGE_MANAGER_NAME = "exchange-manager.name";
    public static final String BASE_DIRECTORIES = "exchange.base-directories";
    public static final String BASE_DIRECTORY = "exchange.base-directory";
    public static final String USE_LOCAL_HDFS = "exchange.use-local-hdfs";
    /** Hadoop configuration files for the exchange; one way to tell it where HDFS is. */
    public static final String HDFS_CONFIG_RESOURCES = "hdfs.config.resources";
    public static final String NODE_ENVIRONMENT = "node.environment";
    public static final String NODE_DATA_DIR = "node.data-dir";
    public static final String NODE_ID = "node.id";
    public static final String CONNECTOR_NAME = "connector.name";
    public static final String FS_DEFAULT_FS = "fs.defaultFS";

    /** The exchange plugin's own keys: the {@code @Config} setters of its SpotExchangeConfig and HdfsExchangeConfig. */
    private static final Map<String, KeyType> SPOT_EXCHANGE = Map.ofEntries(
            entry(USE_LOCAL_HDFS, BOOLEAN),
            entry(HDFS_CONFIG_RESOURCES, KeyType.TEXT),
            entry("exchange.orphan-cleanup.enabled", BOOLEAN),
            entry("exchange.orphan-cleanup.min-age", DURATION),
            entry("exchange.orphan-cleanup.interval", DURATION),
            entry("exchange.hdfs.replication", POSITIVE_INTEGER),
            entry("exchange.hdfs.block-size", DATA_SIZE),
            entry("exchange.hdfs.write-buffer-size", DATA_SIZE),
            entry("exchange.hdfs.read-buffer-size", DATA_SIZE),
            entry("exchange.hdfs.io-buffer-size", DATA_SIZE),
            entry("exchange.hdfs.io-threads", POSITIVE_INTEGER),
            entry("exchange.hdfs.read-threads", POSITIVE_INTEGER),
            entry("exchange.hdfs.packet-size", DATA_SIZE),
            entry("exchange.hdfs.max-packets-in-flight", POSITIVE_INTEGER),
            entry("exchange.hdfs.close-retry-initial-delay", DURATION));

    /** Keys of Trino's filesystem exchange, which the plugin builds on, whose values are checked. */
    private static final Map<String, KeyType> TRINO_EXCHANGE = Map.of(
            "exchange.sink-max-file-size", DATA_SIZE,
            "exchange.max-page-storage-size", DATA_SIZE,
            "exchange.s3.upload.part-size", DATA_SIZE,
            "exchange.s3.path-style-access", BOOLEAN);

    /**
     * What spot-coordinator reads: the spot-node-refresh listener (NodeRefreshConfig) and the announcement catalog
     * (NodeStateConfig); node-refresh.enabled is render's own.
     */
    private static final Map<String, KeyType> NODE_REFRESH_LISTENER = Map.of(NodeRefreshKeys.INTERVAL, DURATION, NodeRefreshKeys.ASK_WORKERS, BOOLEAN,
            NodeRefreshKeys.REQUIRE_INTERNALS, BOOLEAN, NodeRefreshKeys.MAX_WAIT, DURATION);

    private static final Map<String, Map<String, KeyType>> TYPES = Map.of(
            TRINO_CONFIG, Map.ofEntries(
                    entry(COORDINATOR, BOOLEAN),
                    entry(INCLUDE_COORDINATOR, BOOLEAN),
                    entry(HTTP_PORT, PORT),
                    entry(SHARED_SECRET, KeyType.SHARED_SECRET),
                    entry("http-server.https.port", PORT),
                    entry(DISCOVERY_URI, HTTP_URI),
                    entry(RETRY_POLICY, KeyType.oneOf("NONE", "QUERY", "TASK")),
                    entry(COMPRESSION_CODEC, KeyType.oneOf("NONE", "LZ4", "ZSTD")),
                    entry(COMPRESSION_ENABLED, BOOLEAN),
                    entry(FTE_EXCHANGE_ENCRYPTION_ENABLED, BOOLEAN),
                    entry(SHUTDOWN_GRACE_PERIOD, DURATION),
                    entry("query.low-memory-killer.delay", DURATION),
                    entry(REMOTE_TASK_MAX_ERROR_DURATION, DURATION),
                    entry(TASK_INFO_MAX_AGE, DURATION),
                    entry("query.max-execution-time", DURATION),
                    entry("query.max-run-time", DURATION),
                    entry("query.max-cpu-time", DURATION),
                    entry("query.client.timeout", DURATION),
                    entry("retry-initial-delay", DURATION),
                    entry("retry-max-delay", DURATION),
                    entry("node-scheduler.allowed-no-matching-node-period", DURATION),
                    entry("query.max-memory", DATA_SIZE),
                    entry("query.max-memory-per-node", DATA_SIZE),
                    entry("query.max-total-memory", DATA_SIZE),
                    entry("memory.heap-headroom-per-node", DATA_SIZE),
                    entry("fault-tolerant-execution-target-task-input-size", DATA_SIZE),
                    entry("fault-tolerant-execution-task-memory", DATA_SIZE),
                    entry(FteKeys.MAX_PARTITION_COUNT, POSITIVE_INTEGER),
                    entry("query.max-hash-partition-count", POSITIVE_INTEGER)),
            EXCHANGE_MANAGER, union(SPOT_EXCHANGE, TRINO_EXCHANGE),
            TRINO_NODE, Map.of(NODE_ENVIRONMENT, KeyType.NODE_ENVIRONMENT),
            // the agent's own list and parsers: a value that passes here is one the agent starts with
            SPOT_WATCHER, watcherKeys(),
            SPOT_JVM, Map.of(
                    JvmKeys.HEAP_SIZE, KeyType.JVM_SIZE,
                    JvmKeys.EXTRA_OPTIONS, KeyType.JVM_OPTIONS),
            SPOT_NODE_REFRESH, union(Map.of(NodeRefreshKeys.ENABLED, BOOLEAN), NODE_REFRESH_LISTENER),
            SPOT_FTE, Map.of(FteKeys.WORKER_CORES, POSITIVE_INTEGER));

    /** Keys that only work in one classification; found elsewhere they are ignored or break start-up. */
    private static final Map<String, String> HOMES = Map.ofEntries(
            entry(RETRY_POLICY, TRINO_CONFIG),
            entry(COMPRESSION_CODEC, TRINO_CONFIG),
            entry(COMPRESSION_ENABLED, TRINO_CONFIG),
            entry(SHUTDOWN_GRACE_PERIOD, TRINO_CONFIG),
            entry(TASK_INFO_MAX_AGE, TRINO_CONFIG),
            entry(DISCOVERY_URI, TRINO_CONFIG),
            entry(HTTP_PORT, TRINO_CONFIG),
            entry(SHARED_SECRET, TRINO_CONFIG),
            entry(EXCHANGE_MANAGER_NAME, EXCHANGE_MANAGER),
            entry(BASE_DIRECTORIES, EXCHANGE_MANAGER),
            entry(BASE_DIRECTORY, EXCHANGE_MANAGER),
            entry(USE_LOCAL_HDFS, EXCHANGE_MANAGER),
            entry(NODE_ENVIRONMENT, TRINO_NODE),
            entry(NODE_DATA_DIR, TRINO_NODE),
            entry(NODE_ID, TRINO_NODE),
            entry(FS_DEFAULT_FS, CORE_SITE));

    private KnownKeys() {}

    /**
     * The keys of a classification that the plugins' {@code @Config} classes read: exchange-plugin's exchange manager
     * and spot-coordinator's listener and catalog; empty for any other classification.
     */
    public static java.util.Set<String> pluginKeys(String classification)
    {
        return switch (classification) {
            case EXCHANGE_MANAGER -> new java.util.TreeSet<>(SPOT_EXCHANGE.keySet());
            case SPOT_NODE_REFRESH -> new java.util.TreeSet<>(NODE_REFRESH_LISTENER.keySet());
            default -> java.util.Set.of();
        };
    }

    private static Map<String, KeyType> union(Map<String, KeyType> first, Map<String, KeyType> second)
    {
        Map<String, KeyType> union = new LinkedHashMap<>(first);
        second.forEach((key, type) -> {
            if (union.put(key, type) != null) {
                throw new IllegalStateException("listed twice: " + key);
            }
        });
        return union;
    }

    private static Map<String, KeyType> watcherKeys()
    {
        Map<String, KeyType> keys = new LinkedHashMap<>();
        WatcherSettings.all().forEach(setting -> keys.put(setting.key(), KeyType.agent(setting)));
        return keys;
    }

    public static Optional<KeyType> type(String classification, String key)
    {
        if (classification.equals(TRINO_LOG)) {
            return Optional.of(KeyType.LOG_LEVEL);
        }
        return Optional.ofNullable(TYPES.getOrDefault(classification, Map.of()).get(key));
    }

    /** Our own classifications accept only the keys listed here. */
    public static boolean isClosed(String classification)
    {
        return Classifications.isOwn(classification);
    }

    public static boolean isListed(String classification, String key)
    {
        return TYPES.getOrDefault(classification, Map.of()).containsKey(key);
    }

    public static java.util.Set<String> listed(String classification)
    {
        return new java.util.TreeSet<>(TYPES.getOrDefault(classification, Map.of()).keySet());
    }

    /** The classification a key must live in, if it is one of the keys that only work in one place. */
    public static Optional<String> home(String key)
    {
        return Optional.ofNullable(HOMES.get(key));
    }
}
