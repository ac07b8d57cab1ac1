package io.trinospot.harness;

import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.io.EtcWriter;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.JvmKeys;
import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.config.model.Problem;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.Rendering;
import io.trinospot.config.render.TrinoEtcRenderer;

import javax.management.remote.JMXServiceURL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A real Trino cluster on this machine: one coordinator and N workers as separate JVMs on 127.0.0.1,
 * plus the S3 server and HDFS it needs. Closing it stops every process it started; so does JVM exit,
 * and a later harness reaps whatever a killed JVM left behind.
 */
public final class TrinoCluster
        implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(TrinoCluster.class.getName());
    public static final String LAKE_BUCKET = "trino-spot-lake";
    // The lake's file metastore keeps its metadata and every managed table's files under this directory of the bucket.
    private static final String LAKE_METASTORE_DIR = "metastore";
    public static final String EXCHANGE_BUCKET = "trino-spot-exchange";
    public static final String USER = "trinospot";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    /** Directory of this project's exchange plugin under the Trino server's plugin/. */
    public static final String SPOT_PLUGIN_DIR = "spot-exchange";
    /** Directory of this project's coordinator plugin (node refresh) under the Trino server's plugin/. */
    public static final String COORDINATOR_PLUGIN_DIR = "spot-coordinator";

    private final String id;
    private final ClusterSpec spec;
    private final RuntimeLayout runtime;
    private final Path workDir;
    private final PortAllocator ports;
    private volatile Optional<Integer> coordinatorJmxPort = Optional.empty();
    private final String ownerMarker;
    private final String sharedSecret;
    private final Map<String, TrinoNode> nodes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<String> killed = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> services = new ArrayList<>();
    private final Thread shutdownHook;
    private final Optional<Configurations> configurations;
    private final Consumer<String> progress;
    private final ClassDataArchive classData;
    // Set while this cluster's coordinator records the class-data archive.
    private volatile ClassDataArchive.Recording classDataRecording;
    private S3Server s3;
    private S3FaultProxy s3FaultProxy;
    private HdfsCluster hdfs;
    private Duration startupTime = Duration.ZERO;

    private TrinoCluster(String id, ClusterSpec spec, RuntimeLayout runtime, Path workDir, Consumer<String> progress)
    {
        this.id = requireNonNull(id, "id is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.classData = ClassDataArchive.of(runtime);
        this.workDir = requireNonNull(workDir, "workDir is null");
        this.ports = new PortAllocator();
        this.ownerMarker = spec.detached() ? ProcessReaper.detachedMarkerArgument(id) : ProcessReaper.markerArgument();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.sharedSecret = HexFormat.of().formatHex(secret);
        this.shutdownHook = new Thread(this::stopAll, "trino-cluster-" + id + "-shutdown");
        this.configurations = spec.configurations().map(TrinoCluster::parseConfigurations);
        this.progress = requireNonNull(progress, "progress is null");
    }

    private static Configurations parseConfigurations(Path file)
    {
        try {
            return ConfigurationsParser.parse(file);
        }
        catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException("Configurations file " + file + " is invalid:\n" + problemLines(e.problems()));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Reading configurations file " + file, e);
        }
    }

    private static String problemLines(List<Problem> problems)
    {
        return problems.stream().map(Problem::line).collect(Collectors.joining("\n"));
    }

    /** The configurations file spools exchange data to the cluster's own HDFS (EMR's use-local-hdfs). */
    private boolean configurationsUseLocalHdfs()
    {
        return configurations.flatMap(file -> file.property(Classifications.EXCHANGE_MANAGER, "exchange.use-local-hdfs"))
                .map(Boolean::parseBoolean)
                .orElse(false);
    }

    public static TrinoCluster start(ClusterSpec spec)
    {
        return start(spec, RuntimeLayout.discover());
    }

    public static TrinoCluster start(ClusterSpec spec, RuntimeLayout runtime)
    {
        return start(spec, runtime, line -> {});
    }

    /**
     * Starts a cluster and tells {@code progress}, on this thread, about each node the first time the coordinator lists
     * it active, e.g. {@code worker-2 active (31 s)}: a start takes a minute, and a person watching wants to see it move.
     */
    public static TrinoCluster start(ClusterSpec spec, Consumer<String> progress)
    {
        return start(spec, RuntimeLayout.discover(), progress);
    }

    public static TrinoCluster start(ClusterSpec spec, RuntimeLayout runtime, Consumer<String> progress)
    {
        int reaped = ProcessReaper.reapOrphans();
        if (reaped > 0) {
            LOG.warning("Reaped " + reaped + " processes left by earlier harness runs");
        }
        String id = Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14) + "-" + ProcessHandle.current().pid();
        Path workDir = spec.workDir().orElseGet(() -> defaultWorkRoot().resolve("cluster-" + id)).toAbsolutePath();
        TrinoCluster cluster = new TrinoCluster(id, spec, runtime, workDir, progress);
        if (!spec.detached()) {
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        }
        try {
            cluster.startAll();
            return cluster;
        }
        catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    static Path defaultWorkRoot()
    {
        return Optional.ofNullable(System.getProperty("trinospot.work.dir")).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "trino-spot"));
    }

    private void startAll()
    {
        long start = System.nanoTime();
        try {
            Files.createDirectories(workDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Checked before any process starts: HDFS comes later, and a mistaken spec would cost a cluster start to find.
        boolean needsHdfs = spec.needsHdfs() || configurationsUseLocalHdfs();
        if (spec.hdfsDataNodes() > 1 && !needsHdfs) {
            throw new IllegalArgumentException("The spec asks for " + spec.hdfsDataNodes() + " HDFS DataNodes, but neither the lake, the exchange nor "
                    + "the configurations file uses HDFS (exchange.use-local-hdfs)");
        }
        if (spec.needsS3()) {
            s3 = S3Server.start(runtime, ports, runtime.cacheDir().resolve("s3-data"), workDir.resolve("s3"), ownerMarker);
            services.add(s3);
            s3.createBucket(LAKE_BUCKET);
            s3.createBucket(EXCHANGE_BUCKET);
            if (!spec.s3FaultProxy().isEmpty()) {
                // closed before the S3 server (services close in reverse), so no relayed request meets a server gone
                s3FaultProxy = S3FaultProxy.start(s3.endpoint());
                services.add(s3FaultProxy);
            }
        }
        if (spec.exchange().usesSpotPlugin()) {
            requirePlugin("Exchange " + spec.exchange(), SPOT_PLUGIN_DIR, "exchange-plugin");
        }
        if (spec.nodeRefreshInterval().isPresent()) {
            requirePlugin("Coordinator node refresh", COORDINATOR_PLUGIN_DIR, "spot-coordinator");
        }
        // Catalogs on HDFS need the NameNode's address in their etc/, and the spot exchange plugin connects to the
        // NameNode while Trino starts, so HDFS comes first then.
        boolean hdfsFirst = spec.lake() == LakeStorage.HDFS || spec.exchange() == ExchangeKind.HDFS || configurationsUseLocalHdfs();
        if (needsHdfs && hdfsFirst) {
            startHdfs();
        }

        int coordinatorPort = ports.allocate();
        TrinoNode coordinator = new TrinoNode("coordinator", true, coordinatorPort, workDir.resolve("coordinator"), Map.of());
        nodes.put(coordinator.name(), coordinator);
        for (WorkerSpec worker : spec.workers()) {
            nodes.put(worker.name(), new TrinoNode(worker.name(), false, ports.allocate(), workDir.resolve(worker.name()), worker.labels()));
        }
        for (TrinoNode node : nodes.values()) {
            configure(node);
            node.launch(runtime, ownerMarker, classDataOptions(node));
        }
        // HDFS boots while the Trino JVMs do: nothing in Trino touches it before the first query.
        if (needsHdfs && !hdfsFirst) {
            startHdfs();
        }
        List<String> names = nodes().stream().map(TrinoNode::name).toList();
        awaitActiveWorkers(spec.workers().size(), START_TIMEOUT, new ActivationReport(names, start, System::nanoTime, progress));
        startupTime = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Cluster " + id + " up in " + startupTime.toMillis() + " ms: " + nodes.values());
    }

    private void startHdfs()
    {
        hdfs = HdfsCluster.start(runtime, ports, workDir.resolve("hdfs"), ownerMarker, spec.hdfsDataNodes());
        services.add(hdfs);
    }

    /**
     * What the harness adds to trino-config's JVM options ({@link JvmKeys#options}), after them so they win. Per node it
     * also sets the heap, and on the coordinator the node-refresh listener's and the JMX port's options.
     */
    /** The JDBC source of the harness's own queries. */
    private static final String HARNESS_SOURCE = "trino-spot-harness";

    static final List<String> JVM_OVERRIDES = List.of(
            // a smaller code cache than the production default keeps many nodes within one small machine
            "-XX:ReservedCodeCacheSize=256M",
            // JDK 25 warns on stderr, once per node, about Trino's libraries using native access and sun.misc.Unsafe
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    /** A node's JVM options when the cluster is not configured from a configurations file. */
    static List<String> jvmOptions(String heapSize)
    {
        return JvmKeys.options(heapSize, JVM_OVERRIDES);
    }

    private void requirePlugin(String feature, String pluginDir, String module)
    {
        if (!Files.isDirectory(runtime.trinoPluginDir().resolve(pluginDir))) {
            throw new IllegalStateException(feature + " needs this project's plugin in " + runtime.trinoPluginDir().resolve(pluginDir)
                    + ": build it with ./mvnw -pl " + module + " -am package -DskipTests");
        }
    }

    private void configure(TrinoNode node)
    {
        if (configurations.isPresent()) {
            configureFromClassifications(node, configurations.get());
            return;
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("coordinator", String.valueOf(node.isCoordinator()));
        config.put("http-server.http.port", String.valueOf(node.httpPort()));
        config.put("discovery.uri", coordinator().uri().toString());
        config.put("internal-communication.shared-secret", sharedSecret);
        config.put("plugin.dir", runtime.trinoPluginDir().toString());
        config.put("catalog.config-dir", node.etcDir().resolve("catalog").toString());
        config.put("retry-policy", spec.retryPolicy());
        List<String> jvm = new ArrayList<>(jvmOptions(node.isCoordinator() ? spec.coordinatorHeap() : spec.workerHeap()));
        if (node.isCoordinator()) {
            config.put("node-scheduler.include-coordinator", "false");
            config.putAll(spec.coordinatorProperties());
            spec.nodeRefreshInterval().ifPresent(interval -> {
                // what trino-config renders from its trino-spot-node-refresh classification
                NodeRefreshKeys.addListenerFile(config, node.etcDir().resolve(NodeRefreshKeys.FILE).toString());
                node.writeExtraEtcFile(NodeRefreshKeys.FILE, NodeRefreshKeys.listenerProperties(interval, spec.nodeRefreshAsksWorkers()));
                if (spec.coordinatorNodeManagerAccess()) {
                    jvm.addAll(NodeRefreshKeys.COORDINATOR_JVM_OPTIONS);
                }
            });
            if (spec.coordinatorJmx()) {
                int port = ports.allocate();
                coordinatorJmxPort = Optional.of(port);
                // Airlift's JMX agent: registry and server on one port; it refuses to start unless the JDK's RMI
                // server port says the same
                config.put("jmx.rmiregistry.port", String.valueOf(port));
                config.put("jmx.rmiserver.port", String.valueOf(port));
                jvm.add("-Dcom.sun.management.jmxremote.rmi.port=" + port);
            }
        }
        else {
            config.putAll(spec.workerProperties());
        }

        Map<String, String> nodeProperties = Map.of(
                "node.environment", "trinospot",
                "node.id", node.name(),
                "node.data-dir", node.nodeDir().resolve("data").toString(),
                "node.internal-address", "127.0.0.1");

        Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
        // As the TPC-H spec has them, for the 22 queries of io.trino.tpch on the lake copies: its column names
        // (l_orderkey, not orderkey), and decimals, not doubles: q15 compares two sums of the same prices for equality,
        // and doubles added in another order made it return no row now and then.
        catalogs.put("tpch", Map.of("connector.name", "tpch", "tpch.column-naming", "STANDARD", "tpch.double-type-mapping", "DECIMAL"));
        catalogs.put("tpcds", Map.of("connector.name", "tpcds"));
        lakeCatalog().ifPresent(lake -> catalogs.put(Lake.CATALOG, lake));
        if (node.isCoordinator() && spec.nodeRefreshInterval().isPresent()) {
            // what trino-config renders with the listener: the catalog the agents announce a shutdown through
            catalogs.put(NodeRefreshKeys.CATALOG, NodeRefreshKeys.catalogProperties(Optional.empty()));
        }

        Map<String, String> exchange = new LinkedHashMap<>(exchangeManagerProperties());
        exchange.putAll(spec.exchangeProperties());
        node.writeEtc(config, nodeProperties, jvm, catalogs, exchange);
    }

    /** The key prefix in {@link #LAKE_BUCKET} under which the lake's file metastore keeps a managed table's files. */
    public static String lakeTableKeyPrefix(String schema, String table)
    {
        return LAKE_METASTORE_DIR + "/" + schema + "/" + table + "/";
    }

    /** The lake catalog's properties: Hive on the S3 server or on the cluster's HDFS; empty without a lake. */
    private Optional<Map<String, String>> lakeCatalog()
    {
        if (spec.lake() == LakeStorage.S3) {
            Map<String, String> lake = new LinkedHashMap<>();
            lake.put("connector.name", "hive");
            lake.put("hive.metastore", "file");
            lake.put("hive.metastore.catalog.dir", "s3://" + LAKE_BUCKET + "/" + LAKE_METASTORE_DIR);
            lake.put("hive.storage-format", "ORC");
            lake.put("hive.non-managed-table-writes-enabled", "true");
            lake.putAll(s3.trinoFileSystemProperties(s3Endpoint(S3Traffic.LAKE)));
            return Optional.of(lake);
        }
        if (spec.lake() == LakeStorage.HDFS) {
            // Trino's legacy HDFS file system (plugin/hive/hdfs); a fresh HDFS per cluster, so tables are copied each time.
            return Optional.of(Map.of(
                    "connector.name", "hive",
                    "hive.metastore", "file",
                    "hive.metastore.catalog.dir", hdfs.defaultFs() + "/" + LAKE_BUCKET + "/" + LAKE_METASTORE_DIR,
                    "hive.storage-format", "ORC",
                    "fs.hadoop.enabled", "true",
                    "hive.config.resources", hdfs.confDir().resolve("core-site.xml") + "," + hdfs.confDir().resolve("hdfs-site.xml")));
        }
        return Optional.empty();
    }

    /** Where the nodes reach S3 for {@code traffic}: through the fault proxy when the spec puts it there, else the server itself. */
    private URI s3Endpoint(S3Traffic traffic)
    {
        return s3Endpoint(traffic, spec.s3FaultProxy(), s3.endpoint(), Optional.ofNullable(s3FaultProxy).map(S3FaultProxy::endpoint));
    }

    static URI s3Endpoint(S3Traffic traffic, Set<S3Traffic> proxied, URI server, Optional<URI> proxy)
    {
        if (!proxied.contains(traffic)) {
            return server;
        }
        return proxy.orElseThrow(() -> new IllegalStateException("The spec puts the S3 fault proxy in front of " + traffic + ", but none runs"));
    }

    /**
     * etc/ rendered by trino-config from the configurations file, the way a node of a real cluster gets it; the
     * harness adds only what differs per node or per machine, as {@code --set} would.
     */
    private void configureFromClassifications(TrinoNode node, Configurations file)
    {
        List<PropertyOverride> overrides = new ArrayList<>();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("http-server.http.port", String.valueOf(node.httpPort()));
        config.put("discovery.uri", coordinator().uri().toString());
        // render requires one; this cluster's own, as no shipped file carries one
        config.put("internal-communication.shared-secret", sharedSecret);
        config.put("plugin.dir", runtime.trinoPluginDir().toString());
        config.putAll(node.isCoordinator() ? spec.coordinatorProperties() : spec.workerProperties());
        config.forEach((key, value) -> overrides.add(new PropertyOverride(Classifications.TRINO_CONFIG, key, value)));
        overrides.add(new PropertyOverride(Classifications.TRINO_NODE, "node.id", node.name()));
        overrides.add(new PropertyOverride(Classifications.TRINO_NODE, "node.data-dir", node.nodeDir().resolve("data").toString()));
        overrides.add(new PropertyOverride(Classifications.TRINO_NODE, "node.internal-address", "127.0.0.1"));
        overrides.add(new PropertyOverride(Classifications.SPOT_JVM, JvmKeys.HEAP_SIZE,
                node.isCoordinator() ? spec.coordinatorHeap() : spec.workerHeap()));
        overrides.add(new PropertyOverride(Classifications.SPOT_JVM, JvmKeys.EXTRA_OPTIONS, String.join(" ", JVM_OVERRIDES)));
        if (hdfs != null) {
            // what EMR's own core-site.xml carries on every node
            overrides.add(new PropertyOverride(Classifications.CORE_SITE, "fs.defaultFS", hdfs.defaultFs().toString()));
        }
        lakeCatalog().ifPresent(lake -> lake.forEach((key, value) ->
                overrides.add(new PropertyOverride(Classifications.CONNECTOR_PREFIX + Lake.CATALOG, key, value))));
        spec.exchangeProperties().forEach((key, value) -> overrides.add(new PropertyOverride(Classifications.EXCHANGE_MANAGER, key, value)));
        Rendering rendering;
        try {
            rendering = TrinoEtcRenderer.renderWithReport(file, node.isCoordinator() ? Role.COORDINATOR : Role.WORKER, overrides);
        }
        catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException("trino-config cannot render etc/ for " + node.name() + ":\n" + problemLines(e.problems()));
        }
        if (node.isCoordinator() && !rendering.problems().isEmpty()) {
            LOG.info("trino-config on " + spec.configurations().orElseThrow() + ":\n" + problemLines(rendering.problems()));
        }
        try {
            EtcWriter.write(rendering.etc(), node.etcDir());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Writing " + node.etcDir(), e);
        }
        if (rendering.etc().files().keySet().stream().anyMatch(path -> path.startsWith("hadoop/"))) {
            node.environment(Map.of("HADOOP_CONF_DIR", node.etcDir().resolve("hadoop").toString()));
        }
    }

    private Map<String, String> exchangeManagerProperties()
    {
        return switch (spec.exchange()) {
            case NONE -> Map.of();
            case LOCAL -> Map.of(
                    "exchange-manager.name", "filesystem",
                    "exchange.base-directories", workDir.resolve("exchange").toUri().toString());
            case S3 -> Map.of(
                    "exchange-manager.name", "filesystem",
                    "exchange.base-directories", "s3://" + EXCHANGE_BUCKET + "/" + id,
                    "exchange.s3.endpoint", s3Endpoint(S3Traffic.EXCHANGE).toString(),
                    "exchange.s3.region", S3Server.REGION,
                    "exchange.s3.path-style-access", "true",
                    "exchange.s3.aws-access-key", S3Server.ACCESS_KEY,
                    "exchange.s3.aws-secret-key", S3Server.SECRET_KEY);
            // The AWS blog post's EMR exchange config; the Hadoop files stand in for /etc/hadoop/conf.
            case HDFS -> Map.of(
                    "exchange-manager.name", "spot",
                    "exchange.base-directories", "/exchange",
                    "exchange.use-local-hdfs", "true",
                    "hdfs.config.resources", hdfs.confDir().resolve("core-site.xml") + "," + hdfs.confDir().resolve("hdfs-site.xml"));
            case SPOT_S3 -> Map.of(
                    "exchange-manager.name", "spot",
                    "exchange.base-directories", "s3://" + EXCHANGE_BUCKET + "/spot-" + id,
                    "exchange.s3.endpoint", s3Endpoint(S3Traffic.EXCHANGE).toString(),
                    "exchange.s3.region", S3Server.REGION,
                    "exchange.s3.path-style-access", "true",
                    "exchange.s3.aws-access-key", S3Server.ACCESS_KEY,
                    "exchange.s3.aws-secret-key", S3Server.SECRET_KEY);
            case SPOT_LOCAL -> Map.of(
                    "exchange-manager.name", "spot",
                    "exchange.base-directories", workDir.resolve("exchange").toUri().toString());
        };
    }

    /** Blocks until {@code count} workers are active in {@code system.runtime.nodes}; fails fast if a node dies. */
    public void awaitActiveWorkers(int count, Duration timeout)
    {
        awaitActiveWorkers(count, timeout, states -> {});
    }

    /** As {@link #awaitActiveWorkers(int, Duration)}, showing {@code onPoll} every node state the coordinator answers with. */
    private void awaitActiveWorkers(int count, Duration timeout, Consumer<Map<String, String>> onPoll)
    {
        Waits.until(count + " active workers", timeout, null, () -> {
            String dead = deadNodesReport();
            if (!dead.isEmpty()) {
                throw new IllegalStateException("A node died while waiting for " + count + " active workers: " + dead);
            }
            Map<String, String> states;
            try {
                states = nodeStates();
            }
            catch (RuntimeException e) {
                // the coordinator is not answering yet
                return false;
            }
            onPoll.accept(states);
            return activeWorkers(states).size() >= count;
        });
    }

    /**
     * Turns polls of the coordinator's node states into one progress line per node, the first time it is active, with
     * the seconds since the cluster started starting. Nodes are reported in the cluster's order (coordinator, worker-1,
     * ...) when one poll finds several active.
     */
    static final class ActivationReport
            implements Consumer<Map<String, String>>
    {
        private final List<String> nodeNames;
        private final long startNanos;
        private final LongSupplier nanoTime;
        private final Consumer<String> progress;
        private final Set<String> reported = new HashSet<>();

        ActivationReport(List<String> nodeNames, long startNanos, LongSupplier nanoTime, Consumer<String> progress)
        {
            this.nodeNames = List.copyOf(nodeNames);
            this.startNanos = startNanos;
            this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
            this.progress = requireNonNull(progress, "progress is null");
        }

        @Override
        public void accept(Map<String, String> states)
        {
            long seconds = Duration.ofNanos(nanoTime.getAsLong() - startNanos).toSeconds();
            for (String node : nodeNames) {
                if ("active".equals(states.get(node)) && reported.add(node)) {
                    progress.accept(node + " active (" + seconds + " s)");
                }
            }
        }
    }

    /**
     * Tasks on {@code node} that have not finished, of running queries whose text contains {@code queryText} (the
     * system-table query asking this is left out). PLANNED and FLUSHING count as well as RUNNING: on a loaded 2-core
     * machine a poll easily misses a task's short RUNNING window, and a kill then still destroys its work.
     */
    public long unfinishedTasksOn(String node, String queryText)
    {
        return (long) query("SELECT count(*) FROM system.runtime.tasks t JOIN system.runtime.queries q ON t.query_id = q.query_id "
                + "WHERE t.node_id = '" + node.replace("'", "''") + "' AND t.state IN ('PLANNED', 'RUNNING', 'FLUSHING') AND q.state = 'RUNNING' "
                + "AND q.query LIKE '%" + queryText.replace("'", "''") + "%' AND q.query NOT LIKE '%system.runtime%'").onlyValue();
    }

    /** Names of workers the coordinator sees as active. */
    public List<String> activeWorkers()
    {
        return activeWorkers(nodeStates());
    }

    private static List<String> activeWorkers(Map<String, String> nodeStates)
    {
        return nodeStates.entrySet().stream()
                .filter(entry -> !entry.getKey().equals("coordinator") && entry.getValue().equals("active"))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** node id → state (active, draining, shutting_down, ...) as the coordinator reports it. */
    public Map<String, String> nodeStates()
    {
        return nodeStates(query(NODE_STATES_SQL));
    }

    /**
     * {@link #nodeStates()} without task retries, for pollers: under {@code retry-policy=TASK} every call would spool
     * its stages' output to the exchange. Where the retried query would wait and go on, this one fails: when the worker
     * running its last stage dies.
     */
    public Map<String, String> nodeStatesWithoutRetries()
    {
        return nodeStates(query(NODE_STATES_SQL, Map.of("retry_policy", "NONE")));
    }

    private static final String NODE_STATES_SQL = "SELECT node_id, state FROM system.runtime.nodes";

    private static Map<String, String> nodeStates(QueryResult result)
    {
        return result.rows().stream().collect(Collectors.toMap(row -> (String) row.get(0), row -> (String) row.get(1), (a, b) -> a, LinkedHashMap::new));
    }

    public Connection connect()
            throws SQLException
    {
        return connect(HARNESS_SOURCE);
    }

    /** A connection whose queries carry {@code source}, so they can be told apart in the coordinator's query list. */
    public Connection connect(String source)
            throws SQLException
    {
        return connect(source, Map.of());
    }

    /** As {@link #connect(String)}, with session properties set on every query (no SET SESSION queries of its own). */
    public Connection connect(String source, Map<String, String> sessionProperties)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("source", source);
        if (!sessionProperties.isEmpty()) {
            properties.setProperty("sessionProperties", sessionProperties.entrySet().stream()
                    .map(entry -> entry.getKey() + ":" + entry.getValue())
                    .collect(java.util.stream.Collectors.joining(";")));
        }
        return DriverManager.getConnection("jdbc:trino://127.0.0.1:" + coordinator().httpPort(), properties);
    }

    /** Runs one statement and returns all rows; on failure the message includes the state of dead nodes. */
    public QueryResult query(String sql)
    {
        return query(sql, Map.of());
    }

    /** As {@link #query(String)}, with session properties. */
    public QueryResult query(String sql, Map<String, String> sessionProperties)
    {
        try (Connection connection = connect(HARNESS_SOURCE, sessionProperties); Statement statement = connection.createStatement()) {
            return QueryResult.run(statement, sql);
        }
        catch (SQLException e) {
            throw new QueryFailedException(sql, e, deadNodesReport());
        }
    }

    /** Log tails of nodes that died without being killed on purpose. */
    public String deadNodesReport()
    {
        return nodes().stream()
                .filter(node -> node.hasStarted() && !node.isAlive() && !killed.contains(node.name()))
                .map(node -> node.process().deathReport())
                .collect(Collectors.joining("\n\n"));
    }

    /** SIGKILLs a node; it stays down. */
    public void kill(String nodeName)
    {
        TrinoNode node = node(nodeName);
        killed.add(nodeName);
        node.kill();
        LOG.info("Killed " + node);
    }

    /**
     * Adds a worker to the running cluster, configured like the others (the way a scaled-out instance fleet adds
     * capacity), and returns once the coordinator sees it active.
     */
    public TrinoNode addWorker(WorkerSpec worker, Duration timeout)
    {
        TrinoNode node;
        synchronized (nodes) {
            if (nodes.containsKey(worker.name())) {
                throw new IllegalArgumentException("The cluster already has a node named " + worker.name());
            }
            node = new TrinoNode(worker.name(), false, ports.allocate(), workDir.resolve(worker.name()), worker.labels());
            nodes.put(node.name(), node);
        }
        configure(node);
        node.launch(runtime, ownerMarker, classDataOptions(node));
        awaitWorkerActive(worker.name(), timeout);
        LOG.info("Added " + node);
        return node;
    }

    /** Blocks until the coordinator sees this worker active; fails fast if its process dies. */
    public void awaitWorkerActive(String workerName, Duration timeout)
    {
        Waits.until(workerName + " active", timeout, node(workerName).process(), () -> {
            try {
                return activeWorkers().contains(workerName);
            }
            catch (RuntimeException e) {
                // the coordinator may be busy; ask again
                return false;
            }
        });
    }

    /** Stops a node like an OS shutdown would (SIGTERM, SIGKILL after a timeout); {@link #restart} brings it back. */
    public void stop(String nodeName)
    {
        TrinoNode node = node(nodeName);
        killed.add(nodeName);
        node.stop();
        LOG.info("Stopped " + node);
    }

    /** Starts a node that was stopped, killed or exited again with the same name, port and etc/; returns at once. */
    public void restart(String nodeName)
    {
        TrinoNode node = node(nodeName);
        if (node.isAlive()) {
            throw new IllegalStateException(nodeName + " is still running");
        }
        node.launch(runtime, ownerMarker, classDataOptions(node));
        killed.remove(nodeName);
        LOG.info("Restarted " + node);
    }

    public TrinoNode node(String name)
    {
        TrinoNode node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("No node '" + name + "' in this cluster; nodes: " + nodes.keySet());
        }
        return node;
    }

    public TrinoNode coordinator()
    {
        return nodes.get("coordinator");
    }

    public List<TrinoNode> workers()
    {
        return nodes().stream().filter(node -> !node.isCoordinator()).toList();
    }

    public List<TrinoNode> nodes()
    {
        // a copy under the map's lock: addWorker may add a node while others iterate
        synchronized (nodes) {
            return List.copyOf(nodes.values());
        }
    }

    /** Every process this cluster started: nodes and storage servers. */
    public List<ManagedProcess> processes()
    {
        List<ManagedProcess> processes = new ArrayList<>();
        nodes().forEach(node -> processes.add(node.process()));
        if (s3 != null) {
            processes.add(s3.process());
        }
        if (hdfs != null) {
            processes.addAll(hdfs.processes());
        }
        return processes;
    }

    public Optional<S3Server> s3()
    {
        return Optional.ofNullable(s3);
    }

    public Optional<HdfsCluster> hdfs()
    {
        return Optional.ofNullable(hdfs);
    }

    /** The proxy between the nodes and the S3 server, when the spec asked for one ({@link ClusterSpec.Builder#s3FaultProxy}). */
    public Optional<S3FaultProxy> s3FaultProxy()
    {
        return Optional.ofNullable(s3FaultProxy);
    }

    public String id()
    {
        return id;
    }

    /** Where the coordinator's JMX answers, when the spec asked for it ({@link ClusterSpec.Builder#coordinatorJmx}). */
    public Optional<JMXServiceURL> coordinatorJmxUrl()
    {
        return coordinatorJmxPort.map(port -> {
            try {
                return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            }
            catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public ClusterSpec spec()
    {
        return spec;
    }

    public Path workDir()
    {
        return workDir;
    }

    public RuntimeLayout runtime()
    {
        return runtime;
    }

    public String sharedSecret()
    {
        return sharedSecret;
    }

    public Duration startupTime()
    {
        return startupTime;
    }

    public String ownerMarker()
    {
        return ownerMarker;
    }

    /** The options for a node's class-data archive: use it, or, on a coordinator while there is none, record it. */
    private List<String> classDataOptions(TrinoNode node)
    {
        List<String> use = classData.useOptions();
        if (!use.isEmpty()) {
            return use;
        }
        // A detached cluster is stopped by another JVM, which could not keep the recording.
        if (node.isCoordinator() && !spec.detached() && classDataRecording == null) {
            Optional<ClassDataArchive.Recording> recording = classData.startRecording();
            if (recording.isPresent()) {
                classDataRecording = recording.get();
                return recording.get().options();
            }
        }
        return List.of();
    }

    private synchronized void stopAll()
    {
        // Trino nodes in parallel to be quick, storage after them so no node sees its storage vanish first.
        TrinoNode coordinator = nodes.get("coordinator");
        boolean coordinatorRunning = coordinator != null && coordinator.isAlive();
        Set<ManagedProcess> killedOnStop = ManagedProcess.stopInParallel(nodes().stream().filter(TrinoNode::hasStarted).map(TrinoNode::process).toList());
        ClassDataArchive.Recording recording = classDataRecording;
        if (recording != null) {
            classDataRecording = null;
            // Only from a cluster that came up: a coordinator stopped during its start has loaded too few classes.
            recording.finish(!startupTime.isZero() && coordinatorRunning && !killedOnStop.contains(coordinator.process()));
        }
        for (AutoCloseable service : services.reversed()) {
            try {
                service.close();
            }
            catch (Exception e) {
                LOG.warning("Stopping " + service + " failed: " + e);
            }
        }
        services.clear();
        ports.close();
    }

    @Override
    public void close()
    {
        stopAll();
        if (!spec.detached()) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (IllegalStateException e) {
                // already shutting down: the hook is running or has run
            }
        }
    }
}
