package io.trinospot.it;

import io.trinospot.fis.local.LakeWrite;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.Lake;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.Waits;
import io.trinospot.harness.imds.SpotAction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ETL writes into the lake (Hive ORC on the S3 server) land exactly once when a worker running them is lost: the
 * written rows have the row count and content checksum of the same SELECT run without faults, so no row is lost or
 * duplicated; no file of a failed attempt is left under the table; and a reader of the table during an INSERT sees
 * the rows from before it or all of them, never part. Coordinator + 3 workers, retry-policy=TASK on the spot exchange
 * (S3), an agent beside every worker; the fault hits the first worker seen running a task of the write.
 * <p>
 * {@code ./mvnw verify} runs the INSERT into a partitioned table with its writer SIGKILLed, the case with the most
 * files in flight. {@code -Dtrinospot.etl.matrix=true} adds a CTAS with its writer SIGKILLed and an INSERT whose
 * writer gets a Spot notice (a CTAS under a notice is DemoIT's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtlExactlyOnceIT
{
    private static final boolean MATRIX = Boolean.getBoolean("trinospot.etl.matrix");
    // Long enough that a task of the write is seen on the victim and killed mid-write, short enough for CI: every
    // 4th week of the inventory (2.9 M rows), each row's token hashed 4 times.
    private static final int TOKEN_ROUNDS = 4;
    private static final int WEEK_STRIDE = 4;
    private static final Duration NOTICE_WINDOW = Duration.ofSeconds(40);
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(8);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private TrinoCluster cluster;
    private SpotFleet fleet;
    private LakeWrite.Fingerprint faultFree;

    @BeforeAll
    void start()
    {
        // The spot exchange on S3: these writes are also the build's end-to-end run of the S3 spool through a
        // worker's SIGKILL (exchange-plugin's SpotExchangeS3ClusterIT is opt-in).
        cluster = TrinoCluster.start(SpotScenario.clusterSpec(ExchangeKind.SPOT_S3).build());
        Lake.ensure(cluster, SpotScenario.Q39_SF1);
        LakeWrite reference = write("reference");
        reference.prepare(cluster);
        faultFree = LakeWrite.Fingerprint.of(cluster.query(reference.faultFreeSql(), reference.referenceSessionProperties()));
        System.out.println("fault-free SELECT of the write: " + faultFree);
        fleet = SpotFleet.start(cluster, cluster.workers().stream().map(TrinoNode::name).toList(), SpotScenario.watcherSettings(Duration.ofMinutes(10)));
    }

    @AfterAll
    void stop()
    {
        threads.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void insertIntoPartitionedTableWithItsWriterSigkilledLandsOnce()
            throws Exception
    {
        LakeWrite write = write("insert_kill");
        write.drop(cluster);
        cluster.query(write.createPartitionedSql());
        Set<Long> seenByReader = new ConcurrentSkipListSet<>();
        String victim = underFault(write, write.insertSql(), cluster::kill, seenByReader);
        assertExact(write);
        assertThat(seenByReader).as("row counts a reader saw while the INSERT ran").isSubsetOf(0L, faultFree.rows());
        if (MATRIX) {
            // The next case needs three workers to lose one of.
            fleet.replaceWorker(victim, Duration.ofMinutes(3));
        }
    }

    @Test
    @Order(2)
    void ctasWithItsWriterSigkilledLandsOnce()
            throws Exception
    {
        assumeTrue(MATRIX, "set -Dtrinospot.etl.matrix=true for the whole ETL matrix");
        LakeWrite write = write("ctas_kill");
        write.drop(cluster);
        String victim = underFault(write, write.createSql(), cluster::kill, null);
        assertExact(write);
        fleet.replaceWorker(victim, Duration.ofMinutes(3));
    }

    @Test
    @Order(3)
    void insertWhoseWriterGetsASpotNoticeLandsOnce()
            throws Exception
    {
        assumeTrue(MATRIX, "set -Dtrinospot.etl.matrix=true for the whole ETL matrix");
        LakeWrite write = write("insert_notice");
        write.drop(cluster);
        cluster.query(write.createPartitionedSql());
        Set<Long> seenByReader = new ConcurrentSkipListSet<>();
        String victim = underFault(write, write.insertSql(), worker -> fleet.imds(worker).postSpotNoticeIn(SpotAction.TERMINATE, NOTICE_WINDOW), seenByReader);
        assertExact(write);
        assertThat(seenByReader).as("row counts a reader saw while the INSERT ran").isSubsetOf(0L, faultFree.rows());
        System.out.println("watcher log:\n" + fleet.watcher(victim).logTail(20));
        fleet.replaceWorker(victim, Duration.ofMinutes(3));
    }

    /**
     * A chaos series cut off mid-write leaves files in the table's directory and no table, and Hive then refuses the
     * table's next CREATE; removing the orphaned directory lets it be created again, and removes nothing while the
     * table exists.
     */
    @Test
    @Order(4)
    void aCutOffWritesFilesAreRemovedSoItsTableCanBeCreatedAgain()
    {
        LakeWrite write = write("orphan");
        write.drop(cluster);
        String create = "CREATE TABLE " + write.table() + " AS SELECT 1 AS x";
        String name = write.table().substring(write.table().lastIndexOf('.') + 1);
        try (S3Client s3 = cluster.s3().orElseThrow().client()) {
            s3.putObject(PutObjectRequest.builder().bucket(TrinoCluster.LAKE_BUCKET).key("metastore/" + LakeWrite.SCHEMA + "/" + name + "/cut-off-attempt-part-0").build(),
                    RequestBody.fromString("written before the harness was killed"));
        }
        assertThatThrownBy(() -> cluster.query(create)).hasMessageContaining("already exists");
        assertThat(write.removeOrphanedDirectory(cluster)).isEqualTo(1);
        cluster.query(create);
        assertThat(write.removeOrphanedDirectory(cluster)).as("objects removed while the table exists").isZero();
        assertThat(((Number) cluster.query("SELECT x FROM " + write.table()).onlyValue()).intValue()).isEqualTo(1);
        write.drop(cluster);
    }

    private LakeWrite write(String name)
    {
        return new LakeWrite(SpotScenario.Q39_SF1.qualifiedLakeSchema(), "etl_" + name, TOKEN_ROUNDS, WEEK_STRIDE);
    }

    /**
     * Starts {@code sql}, applies {@code fault} to the first worker seen running a task of it, and returns that
     * worker's name once the write has committed; with {@code seenByReader}, counts the table's rows every 200 ms
     * while it runs (with the cluster's task retries, so a read the fault hits is retried like the write's tasks).
     */
    private String underFault(LakeWrite write, String sql, Consumer<String> fault, Set<Long> seenByReader)
            throws Exception
    {
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> reader = CompletableFuture.completedFuture(null);
        if (seenByReader != null) {
            // Threads of their own: the common pool has one thread on two cores, which the reader would keep from
            // the write.
            reader = CompletableFuture.runAsync(() -> {
                while (writing.get()) {
                    seenByReader.add(((Number) cluster.query("SELECT count(*) FROM " + write.table()).onlyValue()).longValue());
                    try {
                        Thread.sleep(200);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, threads);
        }
        CompletableFuture<QueryResult> running = CompletableFuture.supplyAsync(() -> cluster.query(sql, write.sessionProperties()), threads);
        try {
            // The row token is in the write's text only; the tracker's own query is left out by unfinishedTasksOn.
            AtomicReference<String> victim = new AtomicReference<>();
            Waits.until("a task of the write on a worker", Duration.ofMinutes(3), null, () -> {
                if (running.isDone()) {
                    return true;
                }
                for (TrinoNode worker : cluster.workers()) {
                    if (worker.isAlive() && cluster.unfinishedTasksOn(worker.name(), "row_token") > 0) {
                        victim.set(worker.name());
                        return true;
                    }
                }
                return false;
            });
            assertThat(running).as("the write finished before a task of it was seen on a worker").isNotDone();
            fault.accept(victim.get());
            QueryResult result = running.get(WRITE_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
            System.out.printf("%s with a fault on %s: %d ms%n", write.table(), victim.get(), result.wallTime().toMillis());
            assertThat(((Number) result.onlyValue()).longValue()).as("rows the write reported").isEqualTo(faultFree.rows());
            return victim.get();
        }
        finally {
            writing.set(false);
            reader.get(1, TimeUnit.MINUTES);
        }
    }

    private void assertExact(LakeWrite write)
    {
        LakeWrite.Check check = write.check(cluster, faultFree, true);
        System.out.println(write.table() + ": " + check.summary());
        assertThat(check.written()).as("the written table's rows").contains(faultFree);
        assertThat(check.leftovers()).as("files of failed attempts under the table").isEmpty();
    }
}
