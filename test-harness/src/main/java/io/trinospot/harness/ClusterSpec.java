package io.trinospot.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** What cluster to start. Build with {@link #builder()}. */
public record ClusterSpec(
        List<WorkerSpec> workers,
        ExchangeKind exchange,
        LakeStorage lake,
        boolean hdfs,
        int hdfsDataNodes,
        String retryPolicy,
        Map<String, String> coordinatorProperties,
        Map<String, String> workerProperties,
        Map<String, String> exchangeProperties,
        String coordinatorHeap,
        String workerHeap,
        Optional<Path> workDir,
        boolean detached,
        Optional<Path> configurations,
        Optional<String> nodeRefreshInterval,
        boolean nodeRefreshAsksWorkers,
        boolean coordinatorNodeManagerAccess,
        boolean coordinatorJmx,
        Set<S3Traffic> s3FaultProxy)
{
    public ClusterSpec
    {
        workers = List.copyOf(requireNonNull(workers, "workers is null"));
        requireNonNull(exchange, "exchange is null");
        requireNonNull(lake, "lake is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        coordinatorProperties = Map.copyOf(coordinatorProperties);
        workerProperties = Map.copyOf(workerProperties);
        exchangeProperties = Map.copyOf(exchangeProperties);
        requireNonNull(coordinatorHeap, "coordinatorHeap is null");
        requireNonNull(workerHeap, "workerHeap is null");
        requireNonNull(workDir, "workDir is null");
        requireNonNull(configurations, "configurations is null");
        requireNonNull(nodeRefreshInterval, "nodeRefreshInterval is null");
        s3FaultProxy = Set.copyOf(requireNonNull(s3FaultProxy, "s3FaultProxy is null"));
        if (configurations.isPresent() && coordinatorJmx) {
            throw new IllegalArgumentException("With a configurations file, JMX settings come from its classifications, not from the spec");
        }
        if (configurations.isPresent() && nodeRefreshInterval.isPresent()) {
            throw new IllegalArgumentException("With a configurations file, node refresh comes from its trino-spot-node-refresh classification, not from the spec");
        }
        if (configurations.isPresent() && (exchange != ExchangeKind.NONE || !retryPolicy.equals("NONE"))) {
            throw new IllegalArgumentException("With a configurations file, retry policy and exchange come from that file, not from the spec");
        }
        if (hdfsDataNodes < 1) {
            throw new IllegalArgumentException("HDFS needs at least one DataNode: " + hdfsDataNodes);
        }
        if (!exchangeProperties.isEmpty() && exchange == ExchangeKind.NONE && configurations.isEmpty()) {
            throw new IllegalArgumentException("Exchange properties need an exchange, chosen by the spec or by a configurations file: " + exchangeProperties);
        }
        if (s3FaultProxy.contains(S3Traffic.LAKE) && lake != LakeStorage.S3) {
            throw new IllegalArgumentException("The S3 fault proxy in front of the lake needs the lake on S3, not " + lake);
        }
        if (s3FaultProxy.contains(S3Traffic.EXCHANGE) && exchange != ExchangeKind.S3 && exchange != ExchangeKind.SPOT_S3) {
            // a configurations file names its own S3 endpoint, if any: the harness does not rewrite it
            throw new IllegalArgumentException("The S3 fault proxy in front of the exchange needs an S3 exchange chosen by the spec (S3 or SPOT_S3), not " + exchange);
        }
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("A cluster needs at least one worker");
        }
        if (workers.stream().map(WorkerSpec::name).distinct().count() != workers.size()) {
            throw new IllegalArgumentException("Worker names must be unique: " + workers);
        }
        if (retryPolicy.equals("TASK") && exchange == ExchangeKind.NONE) {
            throw new IllegalArgumentException("retry-policy=TASK needs an exchange manager: choose exchange local, s3 or hdfs");
        }
    }

    public boolean needsS3()
    {
        return lake == LakeStorage.S3 || exchange == ExchangeKind.S3 || exchange == ExchangeKind.SPOT_S3;
    }

    public boolean needsHdfs()
    {
        return hdfs || lake == LakeStorage.HDFS || exchange == ExchangeKind.HDFS;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public static final class Builder
    {
        private final List<WorkerSpec> workers = new ArrayList<>();
        private ExchangeKind exchange = ExchangeKind.NONE;
        private LakeStorage lake = LakeStorage.S3;
        private boolean hdfs;
        private int hdfsDataNodes = 1;
        private String retryPolicy = "NONE";
        private final Map<String, String> coordinatorProperties = new LinkedHashMap<>();
        private final Map<String, String> workerProperties = new LinkedHashMap<>();
        private final Map<String, String> exchangeProperties = new LinkedHashMap<>();
        private String coordinatorHeap = "1536m";
        private String workerHeap = "2g";
        private Path workDir;
        private boolean detached;
        private Path configurations;
        private String nodeRefreshInterval;
        private boolean nodeRefreshAsksWorkers;
        private boolean coordinatorNodeManagerAccess = true;
        private boolean coordinatorJmx;
        private final Set<S3Traffic> s3FaultProxy = EnumSet.noneOf(S3Traffic.class);

        /** Adds {@code count} on-demand workers named worker-1, worker-2, ... */
        public Builder workers(int count)
        {
            for (int i = 0; i < count; i++) {
                workers.add(WorkerSpec.onDemand("worker-" + (workers.size() + 1)));
            }
            return this;
        }

        public Builder worker(WorkerSpec worker)
        {
            workers.add(worker);
            return this;
        }

        public Builder exchange(ExchangeKind exchange)
        {
            this.exchange = exchange;
            return this;
        }

        public Builder lake(LakeStorage lake)
        {
            this.lake = lake;
            return this;
        }

        /** Start HDFS even if neither the lake nor the exchange needs it. */
        public Builder hdfs(boolean hdfs)
        {
            this.hdfs = hdfs;
            return this;
        }

        /** DataNodes of the cluster's HDFS (one unless set), each its own process. */
        public Builder hdfsDataNodes(int dataNodes)
        {
            this.hdfsDataNodes = dataNodes;
            return this;
        }

        /** {@code retry-policy=TASK} on every node, with the given exchange. */
        public Builder taskRetries(ExchangeKind exchange)
        {
            this.retryPolicy = "TASK";
            this.exchange = exchange;
            return this;
        }

        public Builder retryPolicy(String retryPolicy)
        {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /** A config.properties entry for every node. */
        public Builder property(String key, String value)
        {
            coordinatorProperties.put(key, value);
            workerProperties.put(key, value);
            return this;
        }

        public Builder coordinatorProperty(String key, String value)
        {
            coordinatorProperties.put(key, value);
            return this;
        }

        public Builder workerProperty(String key, String value)
        {
            workerProperties.put(key, value);
            return this;
        }

        /**
         * An exchange-manager.properties entry for every node, added to (or replacing) the exchange's own; with a
         * configurations file, to its {@code trino-exchange-manager} classification, as {@code --set} would.
         */
        public Builder exchangeProperty(String key, String value)
        {
            exchangeProperties.put(key, value);
            return this;
        }

        public Builder workerHeap(String heap)
        {
            this.workerHeap = heap;
            return this;
        }

        public Builder coordinatorHeap(String heap)
        {
            this.coordinatorHeap = heap;
            return this;
        }

        public Builder workDir(Path workDir)
        {
            this.workDir = workDir;
            return this;
        }

        /** Leave the processes running when this JVM exits (the CLI's {@code cluster up}). */
        public Builder detached(boolean detached)
        {
            this.detached = detached;
            return this;
        }

        /**
         * Render every node's etc/ with trino-config from this EMR-style configurations file (as {@code aws emr
         * create-cluster --configurations} takes it); the harness only adds what is per node or per machine: ports,
         * node ids, the shared secret, the plugin dir, {@code fs.defaultFS} of its HDFS and the lake catalog.
         */
        public Builder configurations(Path configurations)
        {
            this.configurations = configurations;
            return this;
        }

        /**
         * The spot-coordinator plugin's {@code spot-node-refresh} event listener on the coordinator, applying the
         * answers of Trino's own node poll every {@code interval} (e.g. {@code 1s}), and its announcement catalog;
         * needs the spot-coordinator plugin directory.
         */
        public Builder coordinatorNodeRefresh(String interval)
        {
            return coordinatorNodeRefresh(interval, false);
        }

        /** As {@link #coordinatorNodeRefresh(String)}; with {@code askWorkers}, every interval asks every worker. */
        public Builder coordinatorNodeRefresh(String interval, boolean askWorkers)
        {
            this.nodeRefreshInterval = requireNonNull(interval, "interval is null");
            this.nodeRefreshAsksWorkers = askWorkers;
            return this;
        }

        /**
         * Whether the coordinator's JVM gets the options with which spot-coordinator reaches Trino's node manager (as
         * trino-config renders them); without them the coordinator looks to the plugin like a Trino whose internals
         * it does not know.
         */
        public Builder coordinatorNodeManagerAccess(boolean access)
        {
            this.coordinatorNodeManagerAccess = access;
            return this;
        }

        /** Trino's JMX over RMI on the coordinator, on a port the harness allocates ({@link TrinoCluster#coordinatorJmxUrl()}). */
        public Builder coordinatorJmx(boolean coordinatorJmx)
        {
            this.coordinatorJmx = coordinatorJmx;
            return this;
        }

        /**
         * Puts an {@link S3FaultProxy} between the nodes and the S3 server for {@code traffic} ({@link
         * TrinoCluster#s3FaultProxy()}), passing every request until a test arms it; none unless set. The harness's own
         * requests (buckets, checks) go to the server directly.
         */
        public Builder s3FaultProxy(S3Traffic... traffic)
        {
            s3FaultProxy.addAll(List.of(traffic));
            return this;
        }

        public ClusterSpec build()
        {
            return new ClusterSpec(workers, exchange, lake, hdfs, hdfsDataNodes, retryPolicy, coordinatorProperties, workerProperties,
                    exchangeProperties, coordinatorHeap, workerHeap, Optional.ofNullable(workDir), detached, Optional.ofNullable(configurations),
                    Optional.ofNullable(nodeRefreshInterval), nodeRefreshAsksWorkers, coordinatorNodeManagerAccess, coordinatorJmx, s3FaultProxy);
        }
    }
}
