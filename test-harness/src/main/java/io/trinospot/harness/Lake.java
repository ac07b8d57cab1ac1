package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Copies benchmark tables into the lake once and reuses them: the S3 server keeps its buckets under the per-user
 * cache ({@link RuntimeLayout#cacheDir()}), shared by every checkout, and a marker per table records a copy that
 * completed. A table without a marker is a copy that died half-way and is dropped and copied again.
 */
public final class Lake
{
    public static final String CATALOG = "lake";
    private static final Logger LOG = Logger.getLogger(Lake.class.getName());

    private Lake() {}

    /** Makes sure every table of {@code dataset} is in the lake; returns how many were copied now. */
    public static int ensure(TrinoCluster cluster, Dataset dataset)
    {
        return ensure(cluster, dataset, line -> {});
    }

    /**
     * As {@link #ensure(TrinoCluster, Dataset)}, telling {@code progress}, on this thread, about each table as it is
     * copied, e.g. {@code lake: copied tpcds_sf1.store_sales (2,880,404 rows, 41 s)}: an sf1 copy takes minutes.
     */
    public static int ensure(TrinoCluster cluster, Dataset dataset, Consumer<String> progress)
    {
        if (cluster.spec().lake() == LakeStorage.NONE) {
            throw new IllegalStateException("The cluster has no lake catalog (lake=NONE)");
        }
        Path markers = markerDir(cluster, dataset.lakeSchema());
        try {
            Files.createDirectories(markers);
            Files.createDirectories(cluster.runtime().cacheDir());
            try (FileChannel channel = FileChannel.open(cluster.runtime().cacheDir().resolve("lake.lock"), CREATE, WRITE);
                    FileLock ignored = channel.lock()) {
                return load(cluster, dataset, markers, progress);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The directory for what is known about the tables of lake schema {@code schema} and must go when they go: the
     * markers of completed copies, and what callers record about those tables.
     */
    public static Path markerDir(TrinoCluster cluster, String schema)
    {
        // The S3 lake outlives clusters (its bucket is under the per-user cache); an HDFS lake lives and dies with its cluster.
        return cluster.spec().lake() == LakeStorage.S3
                ? cluster.runtime().cacheDir().resolve("lake-loaded").resolve(schema)
                : cluster.workDir().resolve("lake-loaded").resolve(schema);
    }

    private static int load(TrinoCluster cluster, Dataset dataset, Path markers, Consumer<String> progress)
            throws IOException
    {
        // The file metastore keeps managed tables under its own directory, s3://<lake bucket>/metastore/<schema>/<table>.
        cluster.query("CREATE SCHEMA IF NOT EXISTS " + dataset.qualifiedLakeSchema());
        Set<String> existing = new HashSet<>();
        cluster.query("SELECT table_name FROM " + CATALOG + ".information_schema.tables WHERE table_schema = '" + dataset.lakeSchema() + "'")
                .rows().forEach(row -> existing.add((String) row.getFirst()));
        int copied = 0;
        for (String table : dataset.tables()) {
            Path marker = markers.resolve(table + ".done");
            String target = dataset.qualifiedLakeSchema() + "." + table;
            if (existing.contains(table) && Files.exists(marker)) {
                continue;
            }
            if (existing.contains(table)) {
                LOG.info("Dropping incomplete copy " + target);
                progress.accept("lake: dropping the incomplete copy of " + dataset.lakeSchema() + "." + table);
                cluster.query("DROP TABLE " + target);
            }
            long start = System.nanoTime();
            QueryResult result = cluster.query("CREATE TABLE " + target + " WITH (format = 'ORC') AS SELECT * FROM " + dataset.sourceSchema() + "." + table);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Files.writeString(marker, result.onlyValue() + "\n");
            LOG.info("Copied " + result.onlyValue() + " rows into " + target + " in " + took.toMillis() + " ms");
            progress.accept(copiedLine(dataset.lakeSchema() + "." + table, ((Number) result.onlyValue()).longValue(), took));
            copied++;
        }
        return copied;
    }

    static String copiedLine(String table, long rows, Duration took)
    {
        return String.format(Locale.ROOT, "lake: copied %s (%,d row%s, %d s)", table, rows, rows == 1 ? "" : "s", took.toSeconds());
    }
}
