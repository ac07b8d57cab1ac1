package io.trinospot.config.validate;

import io.airlift.units.Duration;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Defaults;
import io.trinospot.config.model.FteKeys;
import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.config.model.Problem;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.model.SecretKeys;
import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.config.WatcherSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.trinospot.config.model.Classifications.CORE_SITE;
import static io.trinospot.config.model.Classifications.EXCHANGE_MANAGER;
import static io.trinospot.config.model.Classifications.HDFS_SITE;
import static io.trinospot.config.model.Classifications.SPOT_FTE;
import static io.trinospot.config.model.Classifications.SPOT_WATCHER;
import static io.trinospot.config.model.Classifications.TRINO_CONFIG;
import static io.trinospot.config.model.Classifications.TRINO_NODE;
import static io.trinospot.config.validate.KnownKeys.BASE_DIRECTORIES;
import static io.trinospot.config.validate.KnownKeys.COMPRESSION_CODEC;
import static io.trinospot.config.validate.KnownKeys.COMPRESSION_ENABLED;
import static io.trinospot.config.validate.KnownKeys.CONNECTOR_NAME;
import static io.trinospot.config.validate.KnownKeys.COORDINATOR;
import static io.trinospot.config.validate.KnownKeys.DISCOVERY_URI;
import static io.trinospot.config.validate.KnownKeys.EXCHANGE_MANAGER_NAME;
import static io.trinospot.config.validate.KnownKeys.FS_DEFAULT_FS;
import static io.trinospot.config.validate.KnownKeys.HDFS_CONFIG_RESOURCES;
import static io.trinospot.config.validate.KnownKeys.NODE_ID;
import static io.trinospot.config.validate.KnownKeys.REMOTE_TASK_MAX_ERROR_DURATION;
import static io.trinospot.config.validate.KnownKeys.RETRY_POLICY;
import static io.trinospot.config.validate.KnownKeys.SHARED_SECRET;
import static io.trinospot.config.validate.KnownKeys.SHUTDOWN_GRACE_PERIOD;
import static io.trinospot.config.validate.KnownKeys.TASK_INFO_MAX_AGE;
import static io.trinospot.config.validate.KnownKeys.USE_LOCAL_HDFS;

/** Finds every problem of a configurations file at once: structure, value types and the rules across keys. */
public final class Validator
{
    /** Connectors whose splits can only run on one particular worker. */
    private static final Set<String> PINNED_CONNECTORS = Set.of("tpch", "tpcds", "memory");
    /** Exchange managers whose base directories we know how to check. */
    private static final Set<String> FILESYSTEM_MANAGERS = Set.of(Defaults.EXCHANGE_MANAGER_NAME, "filesystem");

    private Validator() {}

    /** Validates the file on its own, for any node of a cluster render configures. */
    public static Validation validate(Configurations file)
    {
        return validate(file, Optional.empty(), List.of());
    }

    /**
     * Validates the file as one node will get it.
     *
     * @param role the node's role, if known; a worker gets a warning without a discovery.uri
     * @param overrides the node's {@code --set} values, applied on top of the file
     */
    public static Validation validate(Configurations file, Optional<Role> role, List<PropertyOverride> overrides)
    {
        return validate(file, role, overrides, true);
    }

    /**
     * Validates the file for EMR, which sets an internal shared secret of its own on every cluster: the file need not
     * carry one, and one it carries would be stored in the cluster's description, so it gets a warning.
     */
    public static Validation validateForEmr(Configurations file)
    {
        Validation validation = validate(file, Optional.empty(), List.of(), false);
        if (file.property(TRINO_CONFIG, SHARED_SECRET).isEmpty()) {
            return validation;
        }
        List<Problem> problems = new ArrayList<>(validation.problems());
        problems.add(Problem.warning(TRINO_CONFIG, SHARED_SECRET, "EMR sets its own; this one would be stored in the cluster's configuration, "
                + "where anyone allowed to describe the cluster reads it"));
        return new Validation(validation.effective(), problems);
    }

    private static Validation validate(Configurations file, Optional<Role> role, List<PropertyOverride> overrides, boolean needsSharedSecret)
    {
        List<Problem> problems = new ArrayList<>();
        Configurations effective = file;
        for (PropertyOverride override : overrides) {
            if (!Classifications.isKnown(override.classification())) {
                problems.add(Problem.error(override.classification(), override.key(), "--set names an unknown classification"));
                continue;
            }
            effective = override.applyTo(effective);
        }
        checkOverridesKeepClusterSettings(file, effective, role, problems);
        for (Classification classification : effective.classifications()) {
            checkClassification(classification, problems);
        }
        file.find(TRINO_NODE).flatMap(node -> node.get(NODE_ID)).ifPresent(_ -> problems.add(Problem.error(TRINO_NODE, NODE_ID,
                "must differ on every node; leave it out (Trino generates one) or pass --set " + TRINO_NODE + ":" + NODE_ID + "=... per node")));
        Configurations translated = LegacyTranslator.translate(effective, problems);
        checkRules(translated, role, problems);
        checkAnnouncementCatalog(translated, problems);
        checkSharedSecret(translated, needsSharedSecret, problems);
        return new Validation(translated, problems);
    }

    /** A --set must not give one node another retry policy or exchange compression than the file gives the rest. */
    private static void checkOverridesKeepClusterSettings(Configurations file, Configurations effective, Optional<Role> role, List<Problem> problems)
    {
        String node = role.map(r -> "this " + r.label()).orElse("this node");
        // unset means the rendered default, which the other nodes then run with
        String filePolicy = retryPolicy(file).orElse(Defaults.RETRY_POLICY);
        String nodePolicy = retryPolicy(effective).orElse(Defaults.RETRY_POLICY);
        if (!filePolicy.equals(nodePolicy)) {
            problems.add(Problem.error(TRINO_CONFIG, RETRY_POLICY, "--set makes it " + nodePolicy + " on " + node + " but the file gives " + filePolicy
                    + " to the other nodes; coordinator and workers must agree or every query fails"));
        }
        String fileCodec = compressionCodec(file).orElse(Defaults.compressionCodec(filePolicy));
        String nodeCodec = compressionCodec(effective).orElse(Defaults.compressionCodec(nodePolicy));
        if (!fileCodec.equals(nodeCodec)) {
            problems.add(Problem.error(TRINO_CONFIG, COMPRESSION_CODEC, "--set makes exchange compression " + nodeCodec + " on " + node + " but the file gives "
                    + fileCodec + " to the other nodes; coordinator and workers must agree or every query fails"));
        }
    }

    private static void checkClassification(Classification classification, List<Problem> problems)
    {
        String name = classification.name();
        if (!Classifications.isKnown(name)) {
            String why = Classifications.isConnector(name)
                    ? "'" + name.substring(Classifications.CONNECTOR_PREFIX.length()) + "' is not a catalog name (lower case letters, digits and underscores, starting with a letter)"
                    : "unknown classification; known: " + String.join(", ", Classifications.FIXED) + ", " + Classifications.CONNECTOR_PREFIX + "<catalog>";
            problems.add(Problem.error(name, null, why));
            return;
        }
        if (!classification.configurations().isEmpty()) {
            problems.add(Problem.error(name, null, "nested Configurations are not used by this classification"));
        }
        classification.properties().forEach((key, value) -> checkProperty(name, key, value, problems));
        if (Classifications.isConnector(name) && classification.get(CONNECTOR_NAME).isEmpty()) {
            problems.add(Problem.error(name, CONNECTOR_NAME, "is required: it names the connector the catalog uses"));
        }
    }

    private static void checkProperty(String classification, String key, String value, List<Problem> problems)
    {
        if (key.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            problems.add(Problem.error(classification, key, "key contains white space or control characters"));
            return;
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            problems.add(Problem.error(classification, key, "value contains control characters such as line breaks"));
            return;
        }
        if (KnownKeys.isClosed(classification) && !KnownKeys.isListed(classification, key)) {
            problems.add(Problem.error(classification, key, "unknown key; known: " + String.join(", ", KnownKeys.listed(classification))));
            return;
        }
        boolean trino = classification.startsWith("trino-") && !Classifications.isOwn(classification);
        Optional<String> home = KnownKeys.home(key);
        if (trino && home.isPresent() && !home.get().equals(classification)) {
            problems.add(Problem.error(classification, key, "belongs in " + home.get() + "; here it is ignored or fails start-up"));
            return;
        }
        if (classification.equals(TRINO_CONFIG) && key.equals(COORDINATOR)) {
            problems.add(Problem.error(classification, key, "is set by render from --role; remove it from the file"));
            return;
        }
        KnownKeys.type(classification, key).flatMap(type -> type.check(value))
                // type messages quote the value they reject
                .map(why -> SecretKeys.isSecret(key) ? why.replace("'" + value + "'", "'" + SecretKeys.MASK + "'") : why)
                .ifPresent(why -> problems.add(Problem.error(classification, key, why)));
    }

    /**
     * Without a shared secret Trino derives its internal token key from node.environment, which is no secret:
     * anyone who reaches a node's HTTP port could then act as the coordinator or a worker.
     */
    private static void checkSharedSecret(Configurations config, boolean needed, List<Problem> problems)
    {
        Optional<String> secret = config.property(TRINO_CONFIG, SHARED_SECRET);
        if (secret.isEmpty()) {
            if (needed) {
                problems.add(Problem.error(TRINO_CONFIG, SHARED_SECRET, "not set, so every node derives its internal key from node.environment and anyone who reaches "
                        + "a node's port can take it over; set it to a random value of at least " + KeyType.SHARED_SECRET_MIN_LENGTH + " characters here, or pass "
                        + "--set-file " + SHARED_SECRET + "=FILE (make FILE with: openssl rand -hex 32)"));
            }
            return;
        }
        Optional<String> agent = config.property(SPOT_WATCHER, WatcherSettings.TRINO_SHARED_SECRET);
        if (agent.isPresent() && !agent.equals(secret)) {
            problems.add(Problem.error(SPOT_WATCHER, WatcherSettings.TRINO_SHARED_SECRET, "differs from " + SHARED_SECRET + " in " + TRINO_CONFIG
                    + ", so the worker would reject the agent's requests; leave it out (the agent reads the worker's own)"));
        }
    }

    private static void checkRules(Configurations config, Optional<Role> role, List<Problem> problems)
    {
        Optional<String> policy = retryPolicy(config).filter(p -> Set.of("NONE", "QUERY", "TASK").contains(p));
        boolean task = policy.equals(Optional.of("TASK"));
        Optional<Classification> exchange = config.find(EXCHANGE_MANAGER);
        if (task && exchange.isEmpty()) {
            problems.add(Problem.error(TRINO_CONFIG, RETRY_POLICY,
                    "TASK needs an exchange manager to spool task output; add a " + EXCHANGE_MANAGER + " classification with " + BASE_DIRECTORIES));
        }
        exchange.ifPresent(e -> checkExchange(config, e, role, problems));
        config.find(SPOT_WATCHER).ifPresent(watcher -> checkWatcher(watcher, problems));
        checkGracePeriod(config, problems);
        checkTaskInfoMaxAge(config, problems);
        if (!task && config.property(SPOT_FTE, FteKeys.WORKER_CORES).isPresent()) {
            problems.add(Problem.warning(SPOT_FTE, FteKeys.WORKER_CORES, "has no effect without retry-policy=TASK (it sizes the fault-tolerant scheduler's partition count)"));
        }
        if (task) {
            for (Classification catalog : config.classifications()) {
                Optional<String> connector = catalog.get(CONNECTOR_NAME).filter(PINNED_CONNECTORS::contains);
                if (Classifications.catalogName(catalog.name()).isPresent() && connector.isPresent()) {
                    problems.add(Problem.warning(catalog.name(), CONNECTOR_NAME, connector.get() + " splits are pinned to one worker, so under retry-policy=TASK a query on this catalog "
                            + "fails (NO_NODES_AVAILABLE) once that worker is lost; copy the data into a Hive or Iceberg table on shared storage"));
                }
            }
        }
        if (role.equals(Optional.of(Role.WORKER)) && config.property(TRINO_CONFIG, DISCOVERY_URI).isEmpty()) {
            problems.add(Problem.warning(TRINO_CONFIG, DISCOVERY_URI, "not set; this worker looks for the coordinator at " + Defaults.WORKER_DISCOVERY_URI
                    + " (pass --set " + DISCOVERY_URI + "=http://<coordinator>:<port>)"));
        }
    }

    private static void checkExchange(Configurations config, Classification exchange, Optional<Role> role, List<Problem> problems)
    {
        String name = exchange.get(EXCHANGE_MANAGER_NAME).orElse(Defaults.EXCHANGE_MANAGER_NAME);
        if (!FILESYSTEM_MANAGERS.contains(name)) {
            return;
        }
        Optional<String> directories = exchange.get(BASE_DIRECTORIES);
        if (directories.isEmpty()) {
            problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORIES, "is required: where the exchange spools data"));
            return;
        }
        boolean localHdfs = exchange.get(USE_LOCAL_HDFS).map(v -> v.equalsIgnoreCase("true")).orElse(false);
        List<String> list = Arrays.stream(directories.get().split(",", -1)).map(String::strip).toList();
        if (list.stream().anyMatch(String::isEmpty)) {
            problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORIES, "'" + directories.get() + "' has an empty entry; separate directories with single commas"));
            return;
        }
        Set<String> schemes = new TreeSet<>();
        for (String directory : list) {
            Optional<String> scheme = scheme(directory);
            scheme.ifPresent(schemes::add);
            if (localHdfs && scheme.isPresent()) {
                problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORIES, "'" + directory + "' has a scheme; with " + USE_LOCAL_HDFS
                        + "=true base directories are paths such as /exchange, resolved against fs.defaultFS"));
            }
            if (!localHdfs && scheme.isEmpty()) {
                problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORIES, "'" + directory + "' has no scheme (file://, s3://, hdfs://); or set "
                        + USE_LOCAL_HDFS + "=true to resolve it against HDFS"));
            }
        }
        if (schemes.size() > 1) {
            problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORIES, "mixes the schemes " + String.join(" and ", schemes) + "; spool to one kind of storage"));
        }
        if (localHdfs) {
            checkHdfs(config, exchange, list.getFirst(), role, problems);
        }
    }

    /** use-local-hdfs needs to know the HDFS: fs.defaultFS from a Hadoop classification, or Hadoop config files. */
    private static void checkHdfs(Configurations config, Classification exchange, String directory, Optional<Role> role, List<Problem> problems)
    {
        boolean found = false;
        for (String hadoop : List.of(CORE_SITE, HDFS_SITE)) {
            Optional<String> defaultFs = config.property(hadoop, FS_DEFAULT_FS);
            if (defaultFs.isPresent()) {
                found = true;
                Optional<String> scheme = scheme(defaultFs.get());
                if (!scheme.equals(Optional.of("hdfs")) && !scheme.equals(Optional.of("viewfs"))) {
                    problems.add(Problem.error(hadoop, FS_DEFAULT_FS, "'" + defaultFs.get() + "' is not an HDFS URI such as hdfs://namenode:8020, so "
                            + USE_LOCAL_HDFS + " cannot use it"));
                }
            }
        }
        if (!found && exchange.get(HDFS_CONFIG_RESOURCES).isEmpty()) {
            String why = "no HDFS to resolve " + directory + " against; set " + FS_DEFAULT_FS + " in " + CORE_SITE
                    + " (e.g. --set " + CORE_SITE + ":" + FS_DEFAULT_FS + "=hdfs://namenode:8020) or " + HDFS_CONFIG_RESOURCES + " here";
            // EMR brings its own HDFS, so the file alone may be right; a node being rendered needs one
            problems.add(role.isPresent()
                    ? Problem.error(EXCHANGE_MANAGER, USE_LOCAL_HDFS, why)
                    : Problem.warning(EXCHANGE_MANAGER, USE_LOCAL_HDFS, why + " (EMR provides its own)"));
        }
    }

    /**
     * The agent's own start-up checks over the whole file (ranges, rules across keys), once each value parses on its
     * own: what would stop the agent stops render.
     */
    private static void checkWatcher(Classification watcher, List<Problem> problems)
    {
        boolean eachParses = watcher.properties().entrySet().stream().allMatch(property -> WatcherSettings.find(property.getKey())
                .map(setting -> setting.check(property.getValue()).isEmpty())
                .orElse(false));
        if (!eachParses) {
            return;
        }
        try {
            WatcherConfig.fromProperties(watcher.properties());
        }
        catch (ConfigException e) {
            problems.add(Problem.error(SPOT_WATCHER, e.key().orElse(null), e.reason()));
        }
    }

    private static void checkGracePeriod(Configurations config, List<Problem> problems)
    {
        Optional<String> value = config.property(TRINO_CONFIG, SHUTDOWN_GRACE_PERIOD);
        if (value.isEmpty() || KeyType.DURATION.check(value.get()).isPresent()) {
            return;
        }
        Duration grace = Duration.valueOf(value.get());
        if (grace.compareTo(Defaults.SPOT_NOTICE) >= 0) {
            problems.add(Problem.error(TRINO_CONFIG, SHUTDOWN_GRACE_PERIOD, value.get() + " is not shorter than the " + Defaults.SPOT_NOTICE_TEXT
                    + " Spot notice; a worker told to shut down would be killed before it drains"));
            return;
        }
        String margin = config.property(SPOT_WATCHER, WatcherSettings.SAFETY_MARGIN)
                .filter(m -> KeyType.DURATION.check(m).isEmpty())
                .orElse(WatcherSettings.defaults().get(WatcherSettings.SAFETY_MARGIN));
        double used = grace.getValue(TimeUnit.MILLISECONDS) * 2 + Duration.valueOf(margin).getValue(TimeUnit.MILLISECONDS);
        if (used >= Defaults.SPOT_NOTICE.getValue(TimeUnit.MILLISECONDS)) {
            problems.add(Problem.warning(TRINO_CONFIG, SHUTDOWN_GRACE_PERIOD, "Trino waits it twice while shutting down; twice " + value.get() + " plus the watcher's "
                    + margin + " safety margin leaves no time for tasks within the " + Defaults.SPOT_NOTICE_TEXT + " Spot notice"));
        }
    }

    private static void checkTaskInfoMaxAge(Configurations config, List<Problem> problems)
    {
        String maxAge = config.property(TRINO_CONFIG, TASK_INFO_MAX_AGE).orElse(Defaults.WORKER_TASK_INFO_MAX_AGE);
        Optional<String> errorDuration = config.property(TRINO_CONFIG, REMOTE_TASK_MAX_ERROR_DURATION);
        if (KeyType.DURATION.check(maxAge).isPresent() || errorDuration.map(value -> KeyType.DURATION.check(value).isPresent()).orElse(false)) {
            return;
        }
        String retries = errorDuration.orElse(Defaults.TRINO_REMOTE_TASK_MAX_ERROR_DURATION);
        if (Duration.valueOf(maxAge).compareTo(Duration.valueOf(retries)) <= 0) {
            problems.add(Problem.warning(TRINO_CONFIG, TASK_INFO_MAX_AGE, maxAge + " is not longer than " + REMOTE_TASK_MAX_ERROR_DURATION + " (" + retries
                    + "): a worker may forget a finished task before a coordinator that could not reach it asks for its final state"));
        }
    }

    static Optional<String> retryPolicy(Configurations config)
    {
        return config.property(TRINO_CONFIG, RETRY_POLICY).map(p -> p.toUpperCase(Locale.ROOT));
    }

    /** The exchange compression a node ends up with, from the codec or its legacy boolean. */
    static Optional<String> compressionCodec(Configurations config)
    {
        Optional<String> codec = config.property(TRINO_CONFIG, COMPRESSION_CODEC).map(c -> c.toUpperCase(Locale.ROOT));
        if (codec.isPresent()) {
            return codec;
        }
        return config.property(TRINO_CONFIG, COMPRESSION_ENABLED).map(e -> e.equalsIgnoreCase("true") ? "LZ4" : "NONE");
    }

    /** The URI scheme of a directory or file system, if it has one. */
    static Optional<String> scheme(String location)
    {
        try {
            return Optional.ofNullable(new URI(location).getScheme()).map(s -> s.toLowerCase(Locale.ROOT));
        }
        catch (URISyntaxException e) {
            int colon = location.indexOf("://");
            return colon > 0 ? Optional.of(location.substring(0, colon).toLowerCase(Locale.ROOT)) : Optional.empty();
        }
    }

    // The coordinator's node-state catalog is rendered under a fixed name, which the agents call.
    private static void checkAnnouncementCatalog(Configurations config, List<Problem> problems)
    {
        String classification = Classifications.CONNECTOR_PREFIX + NodeRefreshKeys.CATALOG;
        if (NodeRefreshKeys.enabled(config) && config.find(classification).isPresent()) {
            problems.add(Problem.error(classification, null, "catalog " + NodeRefreshKeys.CATALOG + " is the coordinator's node-state catalog, which the Spot agents call;"
                    + " give yours another name, or set trino-spot-node-refresh:" + NodeRefreshKeys.ENABLED + "=false"));
        }
    }
}
