package io.trinospot.fis.local;

import io.trinospot.fis.plan.TimeScale;
import io.trinospot.harness.Lake;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.TrinoCluster;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * An ETL write into the lake that runs during an experiment: {@code CREATE TABLE ... AS SELECT}, a real
 * transformation of TPC-DS q39's tables: the weekly inventory, denormalised, each row with a pseudonymous token of its
 * natural key (date, warehouse, item). That key is enumerable, so a plain hash of it could be reversed by hashing
 * every combination; the token is a salted SHA-256 iterated {@value #TOKEN_ROUNDS} times (key stretching), which is
 * what makes the write long. It reads a copy of the inventory bucketed {@value #SOURCE_FILES} ways on that key, made
 * once per lake: files of equal size, scanned by {@value #SCAN_TASKS} tasks of {@value #SPLITS_PER_TASK} files each,
 * as a large table's scan is split over a fleet. A worker runs a few of a task's splits at a time, so a scan task shows
 * its rate in completed splits soon after it starts, and a spot-watcher can tell at its first look that the task cannot
 * finish within the notice; with one split per task (the lake's own three files, of 11 %, 28 % and 61 % of the rows)
 * no driver completes until the end and the agent can only judge by age. Afterwards the
 * written table is checked against a fault-free run of the same SELECT: row
 * count and an order-insensitive checksum of every row, so a lost, duplicated or altered row shows; and the table's
 * storage is listed, so files left by failed attempts show.
 */
public final class LakeWrite
{
    public static final String SCHEMA = "trino_spot_demo";

    private static final String COLUMNS = "year, week_seq, warehouse, item_id, category, brand, quantity_on_hand, row_token";
    private static final String PARTITIONED_COLUMNS = "week_seq, warehouse, item_id, category, brand, quantity_on_hand, row_token, year";
    /**
     * Rounds of the row token's hash, sized on this kind of machine (BENCHMARKS.md) so that a scan task of the write on
     * a Spot worker is far from done two minutes after a notice that came as it started.
     */
    static final int TOKEN_ROUNDS = 32;
    /**
     * Every how many weeks of the inventory a write {@code timeScale} times as long as the full one takes: 4 at 0.25.
     * Fewer rows, not fewer token rounds: the rounds are a fraction of a row's cost, spooling and writing it the rest.
     */
    public static int weekStride(double timeScale)
    {
        return Math.max(1, (int) Math.round(1 / TimeScale.check(timeScale)));
    }

    /** Scan tasks of the write: at least one lands on a Spot worker with two core workers. */
    static final int SCAN_TASKS = 3;
    /** Files per scan task: several times the splits a worker runs at once, so some complete early. */
    static final int SPLITS_PER_TASK = 64;
    static final int SOURCE_FILES = SCAN_TASKS * SPLITS_PER_TASK;
    private static final String TOKEN_SALT = "to_utf8('trino-spot-demo')";

    private final String sourceSchema;
    private final String table;
    private final String source;
    private final int tokenRounds;
    private final int weekStride;

    /**
     * @param sourceSchema the lake schema holding q39's tables, e.g. {@code lake.tpcds_sf1}
     * @param runId makes the table's name unique, so an earlier run's leftovers never meet this one
     */
    public LakeWrite(String sourceSchema, String runId)
    {
        this(sourceSchema, runId, TOKEN_ROUNDS);
    }

    /**
     * @param tokenRounds rounds of the row token's hash: the write's length (a test that needs a write in flight
     * for a few seconds, not past a two-minute notice, takes fewer)
     */
    public LakeWrite(String sourceSchema, String runId, int tokenRounds)
    {
        this(sourceSchema, runId, tokenRounds, 1);
    }

    /**
     * @param weekStride the write reads a copy of every {@code weekStride}-th week of the inventory (1: all of it), for
     * a write as much shorter (see {@link #weekStride(double)})
     */
    public LakeWrite(String sourceSchema, String runId, int tokenRounds, int weekStride)
    {
        if (tokenRounds < 1) {
            throw new IllegalArgumentException("tokenRounds must be at least 1: " + tokenRounds);
        }
        if (weekStride < 1) {
            throw new IllegalArgumentException("weekStride must be at least 1: " + weekStride);
        }
        this.tokenRounds = tokenRounds;
        this.weekStride = weekStride;
        this.sourceSchema = requireNonNull(sourceSchema, "sourceSchema is null");
        if (!runId.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("runId must be lower-case letters, digits and underscores: " + runId);
        }
        this.table = Lake.CATALOG + "." + SCHEMA + ".inventory_weekly_" + runId;
        String schemaName = sourceSchema.substring(sourceSchema.lastIndexOf('.') + 1);
        this.source = Lake.CATALOG + "." + SCHEMA + "." + schemaName + "_inventory_by_key_" + SOURCE_FILES + (weekStride == 1 ? "" : "_every_" + weekStride + "_weeks");
    }

    /** The bucketed copy of the inventory (or of every n-th week of it) the write reads; kept between runs like the lake. */
    public String source()
    {
        return source;
    }

    public String table()
    {
        return table;
    }

    /**
     * Session properties of the write: its scan split as in {@link #referenceSessionProperties()}, and its tasks spread.
     */
    public Map<String, String> sessionProperties()
    {
        Map<String, String> properties = new LinkedHashMap<>(referenceSessionProperties());
        // Trino places a task on the worker with the most memory left: with two such tasks to a 2 GB worker's 1.4 GB
        // pool, the three scan tasks land on three workers, and a rerun can still run beside another task of the write
        properties.put("fault_tolerant_execution_task_memory", "700MB");
        properties.put("fault_tolerant_execution_arbitrary_distribution_write_task_target_size_min", "64MB");
        properties.put("fault_tolerant_execution_arbitrary_distribution_write_task_target_size_max", "64MB");
        return properties;
    }

    /**
     * Session properties of the write's scan, for the write and its fault-free run. Fault-tolerant execution sizes a
     * source task by input bytes, starting at 512 MB, so the source's files (18 MB) would all be one task; here each
     * task takes {@value #SPLITS_PER_TASK} of them. With bucketed execution the scan would be one stage partitioned by
     * bucket instead.
     */
    public Map<String, String> referenceSessionProperties()
    {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Lake.CATALOG + ".bucket_execution_enabled", "false");
        properties.put("fault_tolerant_execution_arbitrary_distribution_compute_task_target_size_min", "1GB");
        properties.put("fault_tolerant_execution_arbitrary_distribution_compute_task_target_size_max", "1GB");
        properties.put("fault_tolerant_execution_max_task_split_count", String.valueOf(SPLITS_PER_TASK));
        return properties;
    }

    /** The write, as the experiment runs it. */
    public String createSql()
    {
        return "CREATE TABLE " + table + " WITH (format = 'ORC') AS\n" + select();
    }

    /**
     * An empty table of the write's rows partitioned by year (a Hive partition column comes last), for
     * {@link #insertSql()}.
     */
    public String createPartitionedSql()
    {
        return "CREATE TABLE " + table + " WITH (format = 'ORC', partitioned_by = ARRAY['year']) AS\nSELECT " + PARTITIONED_COLUMNS + " FROM (" + select() + ") WITH NO DATA";
    }

    /** The write as an {@code INSERT} into the table of {@link #createPartitionedSql()}: a file per partition and task. */
    public String insertSql()
    {
        return "INSERT INTO " + table + "\nSELECT " + PARTITIONED_COLUMNS + " FROM (" + select() + ")";
    }

    String select()
    {
        String token = "to_utf8(concat_ws('|', CAST(d.d_date AS varchar), w.w_warehouse_id, i.i_item_id))";
        for (int round = 0; round < tokenRounds; round++) {
            token = "sha256(concat(" + TOKEN_SALT + ", " + token + "))";
        }
        return """
                SELECT d.d_year AS year, d.d_week_seq AS week_seq, w.w_warehouse_name AS warehouse, i.i_item_id AS item_id,
                       i.i_category AS category, i.i_brand AS brand, inv.inv_quantity_on_hand AS quantity_on_hand,
                       %2$s AS row_token
                FROM %3$s inv
                JOIN %1$s.date_dim d ON inv.inv_date_sk = d.d_date_sk
                JOIN %1$s.warehouse w ON inv.inv_warehouse_sk = w.w_warehouse_sk
                JOIN %1$s.item i ON inv.inv_item_sk = i.i_item_sk
                """.formatted(sourceSchema, token, source);
    }

    /** Row count and checksum of a relation with the write's columns. */
    static String fingerprintSql(String relation)
    {
        return "SELECT count(*), to_hex(checksum(ROW(" + COLUMNS + "))) FROM " + relation;
    }

    /** Row count and content checksum of a table or query result. */
    public record Fingerprint(long rows, String checksum)
    {
        public Fingerprint
        {
            requireNonNull(checksum, "checksum is null");
        }

        public static Fingerprint of(QueryResult result)
        {
            List<Object> row = result.rows().getFirst();
            return new Fingerprint(((Number) row.get(0)).longValue(), String.valueOf(row.get(1)));
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "%,d rows, checksum %s", rows, checksum);
        }
    }

    /**
     * What the check found.
     *
     * @param written the table's fingerprint; empty when the write failed and left no table
     * @param faultFree the fingerprint of the SELECT run without faults
     * @param leftovers files under the table's directory that are not among the table's files
     */
    public record Check(Optional<Fingerprint> written, Fingerprint faultFree, List<String> leftovers)
    {
        public Check
        {
            requireNonNull(written, "written is null");
            requireNonNull(faultFree, "faultFree is null");
            leftovers = List.copyOf(requireNonNull(leftovers, "leftovers is null"));
        }

        public boolean exact()
        {
            return written.filter(faultFree::equals).isPresent() && leftovers.isEmpty();
        }

        public String summary()
        {
            if (written.isEmpty()) {
                return "the write left no table; fault-free: " + faultFree;
            }
            String content = written.get().equals(faultFree)
                    ? "identical to the fault-free run (" + faultFree + ")"
                    : "DIFFERS from the fault-free run: written " + written.get() + ", fault-free " + faultFree;
            return content + (leftovers.isEmpty() ? "; no leftover files" : "; " + leftovers.size() + " leftover file(s): " + String.join(", ", leftovers));
        }
    }

    /** Row count and checksum of the write's SELECT: run without faults, the reference the written table must match. */
    public String faultFreeSql()
    {
        return fingerprintSql("(" + select() + ")");
    }

    /**
     * Compares the written table with {@code faultFree}, the fingerprint of {@link #faultFreeSql()} run without
     * faults, and lists the table's storage.
     */
    public Check check(TrinoCluster cluster, Fingerprint faultFree, boolean written)
    {
        if (!written) {
            return new Check(Optional.empty(), faultFree, List.of());
        }
        Fingerprint table = Fingerprint.of(cluster.query(fingerprintSql(this.table)));
        return new Check(Optional.of(table), faultFree, leftovers(cluster));
    }

    /** Objects under the table's directory (its partitions' included) that no row of the table comes from. */
    private List<String> leftovers(TrinoCluster cluster)
    {
        Set<String> files = new HashSet<>();
        cluster.query("SELECT DISTINCT \"$path\" FROM " + table).rows().forEach(row -> files.add((String) row.getFirst()));
        if (files.isEmpty()) {
            return List.of();
        }
        URI any = URI.create(files.iterator().next());
        String bucket = any.getHost();
        String key = any.getPath().substring(1);
        String tableDirectory = "/" + table.substring(table.lastIndexOf('.') + 1) + "/";
        int tableAt = ("/" + key).lastIndexOf(tableDirectory);
        if (tableAt < 0) {
            throw new IllegalStateException("A file of " + table + " is not under a directory named after it: " + any);
        }
        String directory = key.substring(0, tableAt + tableDirectory.length() - 1);
        List<String> leftovers = new ArrayList<>();
        try (S3Client s3 = cluster.s3().orElseThrow(() -> new IllegalStateException("The write's lake is on the S3 server, which is not running")).client()) {
            for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(directory).build()).contents()) {
                String path = "s3://" + bucket + "/" + object.key();
                if (!files.contains(path) && !object.key().endsWith("/") && !isMetastoreFile(object.key().substring(directory.length()))) {
                    leftovers.add(path);
                }
            }
        }
        return leftovers;
    }

    /**
     * The file metastore keeps a managed table's metadata in the table's directory, and a partition's in the
     * partition's; no task writes it.
     */
    private static boolean isMetastoreFile(String name)
    {
        String path = "/" + name;
        return path.endsWith("/.trinoSchema") || path.contains("/.trinoPermissions/");
    }

    /**
     * Deletes what a write of this table that was cut off (its JVM killed mid-write) left in the table's directory,
     * when no table of that name exists: Hive refuses to create a table whose directory is there ("Target directory
     * for table ... already exists"). The lake must be on the S3 server. Returns how many objects went.
     */
    public int removeOrphanedDirectory(TrinoCluster cluster)
    {
        String name = table.substring(table.lastIndexOf('.') + 1);
        if (schemaHasTable(cluster, name)) {
            return 0;
        }
        String prefix = TrinoCluster.lakeTableKeyPrefix(SCHEMA, name);
        int removed = 0;
        try (S3Client s3 = cluster.s3().orElseThrow(() -> new IllegalStateException("The write's lake is on the S3 server, which is not running")).client()) {
            for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(TrinoCluster.LAKE_BUCKET).prefix(prefix).build()).contents()) {
                s3.deleteObject(DeleteObjectRequest.builder().bucket(TrinoCluster.LAKE_BUCKET).key(object.key()).build());
                removed++;
            }
        }
        return removed;
    }

    /** Drops the table and, with it, its files; the lake keeps only the tables copied into it. */
    public void drop(TrinoCluster cluster)
    {
        cluster.query("DROP TABLE IF EXISTS " + table);
    }

    /** Creates the write's schema and, once per lake, its bucketed source; true when the source was made now. */
    public boolean prepare(TrinoCluster cluster)
    {
        cluster.query("CREATE SCHEMA IF NOT EXISTS " + Lake.CATALOG + "." + SCHEMA);
        if (schemaHasTable(cluster, sourceTable())) {
            return false;
        }
        RecordedReference.deleteAll(Lake.markerDir(cluster, SCHEMA), sourceTable());
        cluster.query(sourceSql());
        return true;
    }

    /**
     * The fingerprint of a fault-free run of {@link #faultFreeSql()} recorded on this lake by {@link #recordReference}:
     * the SELECT is deterministic over a source made once per lake, so it stands for running it again. Empty when
     * none is recorded, or the record is unreadable (said on {@code problems}).
     */
    public Optional<RecordedReference> recordedReference(TrinoCluster cluster, Consumer<String> problems)
    {
        return RecordedReference.read(referenceFile(cluster), problems);
    }

    /** Records a fault-free run's fingerprint for {@link #recordedReference}; kept until the source is made again. */
    public void recordReference(TrinoCluster cluster, RecordedReference reference)
    {
        reference.write(referenceFile(cluster));
    }

    /** Where {@link #recordReference} keeps its record. */
    public Path referenceFile(TrinoCluster cluster)
    {
        return RecordedReference.file(Lake.markerDir(cluster, SCHEMA), sourceTable(), referenceQuery());
    }

    /** What decides the fault-free result: the SELECT (salt and rounds included) and its session. */
    String referenceQuery()
    {
        return faultFreeSql() + "\n" + referenceSessionProperties();
    }

    private static boolean schemaHasTable(TrinoCluster cluster, String name)
    {
        return !cluster.query("SHOW TABLES FROM " + Lake.CATALOG + "." + SCHEMA + " LIKE '" + name + "'").rows().isEmpty();
    }

    private String sourceTable()
    {
        return source.substring(source.lastIndexOf('.') + 1);
    }

    String sourceSql()
    {
        // bucketed on the whole natural key: hashing the item alone gave buckets of 20 %, 47 % and 33 %
        return "CREATE TABLE IF NOT EXISTS " + source
                + " WITH (format = 'ORC', bucketed_by = ARRAY['inv_date_sk', 'inv_item_sk', 'inv_warehouse_sk'], bucket_count = " + SOURCE_FILES + ")"
                + " AS SELECT * FROM " + sourceSchema + ".inventory"
                + (weekStride == 1 ? "" : " WHERE inv_date_sk IN (SELECT d_date_sk FROM " + sourceSchema + ".date_dim WHERE mod(d_week_seq, " + weekStride + ") = 0)");
    }
}
