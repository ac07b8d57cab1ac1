package io.trinospot.fis.local;

import io.trinospot.fis.plan.Lifecycle;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.Lake;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.Queries;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.S3Traffic;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.WorkerSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The cluster of the AWS Big Data blog post "Query big data with resilience using Trino in Amazon EMR with Amazon EC2
 * Spot Instances for less cost" (aws.amazon.com/blogs/big-data), on this machine: a coordinator, on-demand core workers (the HDFS that spools exchange
 * data stands beside them), and Spot task workers each with its IMDS emulator and spot-watcher. Every node's etc/
 * is rendered by trino-config from an EMR configurations file (the AWS blog post's by default); q39's tables are in the lake.
 */
public final class BlogCluster
        implements AutoCloseable
{
    public static final String CLUSTER_NAME = "MyTrinoCluster";
    public static final String BLOG_CONFIGURATIONS = "blog-configurations.json";
    public static final Dataset Q39_TABLES = Dataset.tpcds("sf1", Dataset.TPCDS_Q39_TABLES);
    /** Initial memory estimate of a task under fault-tolerant execution, sized for the 2 GB workers. */
    static final String TASK_MEMORY = "256MB";
    /** What fault-tolerant execution adds to a running task's memory usage when placing others beside it. */
    static final String TASK_MEMORY_OVERHEAD = "64MB";

    /**
     * What the cluster's storage offers storage faults; {@link #PLAIN} is the AWS blog post's.
     *
     * @param s3FaultProxy the lake reaches its S3 server through a fault proxy ({@link TrinoCluster#s3FaultProxy()}); the
     * exchange spools to HDFS as the configurations say, so it stays direct
     * @param hdfsDataNodes the HDFS's DataNodes; with several, exchange data is spooled with as many copies
     * ({@code exchange.hdfs.replication}), so that each DataNode alone holds every spool block
     */
    public record Storage(boolean s3FaultProxy, int hdfsDataNodes)
    {
        public static final Storage PLAIN = new Storage(false, 1);

        public Storage
        {
            if (hdfsDataNodes < 1) {
                throw new IllegalArgumentException("HDFS needs at least one DataNode: " + hdfsDataNodes);
            }
        }
    }

    private final TrinoCluster cluster;
    private final SpotFleet spotFleet;
    private final HarnessFleet fleet;

    private BlogCluster(TrinoCluster cluster, SpotFleet spotFleet, HarnessFleet fleet)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.spotFleet = requireNonNull(spotFleet, "spotFleet is null");
        this.fleet = requireNonNull(fleet, "fleet is null");
    }

    /**
     * Starts {@code coreWorkers} on-demand workers named core-N and {@code spotWorkers} Spot workers named spot-N,
     * configured from {@code configurations}, and copies q39's tables into the lake (once per machine).
     */
    public static BlogCluster start(Path configurations, int coreWorkers, int spotWorkers, Path workRoot, Consumer<String> out)
    {
        return start(configurations, coreWorkers, spotWorkers, workRoot, Storage.PLAIN, out);
    }

    /** The cluster {@link #start} starts. */
    static ClusterSpec spec(Path configurations, int coreWorkers, int spotWorkers, Path workRoot, Storage storage)
    {
        if (coreWorkers < 1 || spotWorkers < 0) {
            throw new IllegalArgumentException("Need at least one core worker and no negative number of Spot workers");
        }
        ClusterSpec.Builder spec = ClusterSpec.builder()
                .configurations(configurations)
                .lake(LakeStorage.S3)
                .coordinatorHeap("1536m")
                .workerHeap("2g")
                // Fault-tolerant execution places a task where its memory estimate fits: 5 GB at first, and a running
                // task's usage plus 1 GB. On these 2 GB workers either lets one task run per worker at a time, and once
                // the Spot workers are gone the whole cluster runs two tasks at once.
                .coordinatorProperty("fault-tolerant-execution-task-memory", TASK_MEMORY)
                .coordinatorProperty("fault-tolerant-execution-task-runtime-memory-estimation-overhead", TASK_MEMORY_OVERHEAD);
        for (int i = 1; i <= coreWorkers; i++) {
            spec.worker(WorkerSpec.onDemand("core-" + i));
        }
        for (int i = 1; i <= spotWorkers; i++) {
            spec.worker(WorkerSpec.spot("spot-" + i));
        }
        if (workRoot != null) {
            spec.workDir(workRoot);
        }
        if (storage.s3FaultProxy()) {
            spec.s3FaultProxy(S3Traffic.LAKE);
        }
        if (storage.hdfsDataNodes() > 1) {
            spec.hdfsDataNodes(storage.hdfsDataNodes())
                    .exchangeProperty("exchange.hdfs.replication", String.valueOf(storage.hdfsDataNodes()));
        }
        return spec.build();
    }

    /** As {@link #start(Path, int, int, Path, Consumer)}, with the storage {@code storage} says. */
    public static BlogCluster start(Path configurations, int coreWorkers, int spotWorkers, Path workRoot, Storage storage, Consumer<String> out)
    {
        ClusterSpec spec = spec(configurations, coreWorkers, spotWorkers, workRoot, storage);
        out.accept("starting the cluster: coordinator, " + coreWorkers + " on-demand core worker(s), " + spotWorkers + " Spot worker(s), "
                + (storage.hdfsDataNodes() > 1 ? "HDFS with " + storage.hdfsDataNodes() + " DataNodes (spool replication " + storage.hdfsDataNodes() + ")" : "HDFS")
                + ", S3 server" + (storage.s3FaultProxy() ? " (the lake through a fault proxy)" : "")
                + "; etc/ rendered by trino-config from " + configurations.getFileName());
        long start = System.nanoTime();
        TrinoCluster cluster = TrinoCluster.start(spec, out);
        SpotFleet spotFleet = null;
        try {
            out.accept(String.format("cluster up in %.1f s", (System.nanoTime() - start) / 1e9));
            int copied = Lake.ensure(cluster, Q39_TABLES, out);
            if (copied > 0) {
                out.accept("copied " + copied + " q39 table(s) into the lake (once per machine)");
            }
            List<String> spot = cluster.workers().stream().filter(node -> HarnessFleet.lifecycle(node) == Lifecycle.SPOT).map(TrinoNode::name).toList();
            spotFleet = SpotFleet.start(cluster, spot, Map.of());
            out.accept("spot-watcher and IMDS emulator running beside " + String.join(", ", spot));
            HarnessFleet fleet = new HarnessFleet(cluster, spotFleet, CLUSTER_NAME, (instance, what) -> out.accept("         " + instance + ": " + what));
            return new BlogCluster(cluster, spotFleet, fleet);
        }
        catch (RuntimeException | Error e) {
            if (spotFleet != null) {
                spotFleet.close();
            }
            cluster.close();
            throw e;
        }
    }

    /** The workers {@link #start} names, in order: core-1 to core-N, then spot-1 to spot-M. */
    public static List<String> workerNames(int coreWorkers, int spotWorkers)
    {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= coreWorkers; i++) {
            names.add("core-" + i);
        }
        for (int i = 1; i <= spotWorkers; i++) {
            names.add("spot-" + i);
        }
        return List.copyOf(names);
    }

    /** The AWS blog post's configurations file, copied out of this jar to {@code dir}. */
    public static Path blogConfigurations(Path dir)
    {
        // shipped by trino-config as its worked example
        try (InputStream in = BlogCluster.class.getResourceAsStream("/" + BLOG_CONFIGURATIONS)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + BLOG_CONFIGURATIONS + " is missing from trino-config");
            }
            Files.createDirectories(dir);
            Path file = dir.resolve(BLOG_CONFIGURATIONS);
            Files.write(file, in.readAllBytes());
            return file;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String q39()
    {
        return Queries.tpcdsQ39(Q39_TABLES.qualifiedLakeSchema());
    }

    /** Runs {@code sql} without faults: the result every run under faults must match. */
    public QueryResult faultFree(String sql)
    {
        return cluster.query(sql);
    }

    public TrinoCluster cluster()
    {
        return cluster;
    }

    public SpotFleet spotFleet()
    {
        return spotFleet;
    }

    public HarnessFleet fleet()
    {
        return fleet;
    }

    public List<String> spotWorkers()
    {
        return spotFleet.watchedWorkers();
    }

    /** Adds one more Spot worker with its IMDS emulator and watcher, as a scaled-out task fleet would. */
    public void addSpotWorker(String name)
    {
        cluster.addWorker(WorkerSpec.spot(name), Duration.ofMinutes(5));
        spotFleet.watch(name);
    }

    /**
     * Brings every worker back (fresh Spot instances for reclaimed ones), as EMR replenishes a fleet, and every killed
     * HDFS DataNode (on its data directory, as a core node rejoining); returns what it brought back.
     */
    public List<String> replenish()
    {
        List<String> replaced = new ArrayList<>(fleet.replenish(Duration.ofMinutes(5)));
        cluster.hdfs().ifPresent(hdfs -> replaced.addAll(hdfs.restartKilledDataNodes()));
        return List.copyOf(replaced);
    }

    @Override
    public void close()
    {
        try {
            spotFleet.close();
        }
        finally {
            cluster.close();
        }
    }
}
