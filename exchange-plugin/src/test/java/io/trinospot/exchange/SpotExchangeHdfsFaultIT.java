package io.trinospot.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.HdfsCluster;
import io.trinospot.harness.Lake;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.QueryFailedException;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.Waits;
import io.trinospot.harness.bench.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HDFS faults under the spot exchange on a real Trino cluster with two DataNodes: a DataNode SIGKILLed or frozen
 * (SIGSTOP) while a multi-stage query spools and while a later stage reads the spool, the NameNode restarted between
 * stages (replication 2), and the only copy of a finished stage's spool lost (replication 1). Every query is the same
 * deterministic multi-stage shuffle over TPC-DS sf1, compared with its fault-free run. Each fault is injected at a
 * moment read from the coordinator's task list and the spool on HDFS, not after a guessed sleep.
 * <p>
 * Opt-in (it takes minutes): {@code -Dtrinospot.faults=hdfs}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpotExchangeHdfsFaultIT
{
    private static final Dataset DATASET = Dataset.tpcds("sf1", Dataset.TPCDS_Q39_TABLES);
    private static final String SQL = AbstractSpotExchangeClusterIT.load("inventory-by-warehouse-week.sql", DATASET.qualifiedLakeSchema());
    // the second DataNode: the one the replication-2 cases kill or freeze
    private static final int VICTIM = 1;
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern FRAGMENT = Pattern.compile("^Fragment (\\d+) \\[");
    private static final Pattern REMOTE_SOURCES = Pattern.compile("Remote(?:Source|Merge)\\[sourceFragmentIds = \\[([0-9, ]+)]");
    // the inventory stage's spool (tens of MB); the other stages spool under 1 MB
    private static final long BIG_SPOOL_BYTES = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrinoCluster cluster;
    private HdfsCluster hdfs;
    private FileSystem fileSystem;
    // stage -> stages it reads from, from the distributed plan (under retry-policy=TASK a fragment is a stage)
    private Map<Integer, Set<Integer>> sources;
    private QueryResult faultFree;

    @BeforeAll
    void start()
            throws IOException
    {
        assumeTrue("hdfs".equals(System.getProperty("trinospot.faults")), "set -Dtrinospot.faults=hdfs to run the HDFS fault tests");
        startCluster(2);
        Lake.ensure(cluster, DATASET);
        sources = plan();
        System.out.println("[hdfs faults] stages and the stages they read: " + sources);
    }

    @AfterAll
    void stop()
            throws IOException
    {
        stopCluster();
    }

    private void startCluster(int replication)
            throws IOException
    {
        cluster = TrinoCluster.start(ClusterSpec.builder()
                .workers(2)
                .taskRetries(ExchangeKind.HDFS)
                .lake(LakeStorage.S3)
                .hdfsDataNodes(2)
                .exchangeProperty("exchange.hdfs.replication", String.valueOf(replication))
                .build());
        hdfs = cluster.hdfs().orElseThrow();
        Configuration configuration = new Configuration();
        configuration.addResource(new Path(hdfs.confDir().resolve("core-site.xml").toUri()));
        configuration.addResource(new Path(hdfs.confDir().resolve("hdfs-site.xml").toUri()));
        configuration.setBoolean("fs.hdfs.impl.disable.cache", true);
        fileSystem = FileSystem.get(hdfs.defaultFs(), configuration);
    }

    private void stopCluster()
            throws IOException
    {
        if (fileSystem != null) {
            fileSystem.close();
            fileSystem = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    @Order(1)
    void faultFreeRun()
    {
        // Once untimed, so that the timed run and the faulted ones find the lake files and the JIT warm alike; this
        // run also shows when each stage's tasks are all done (the timed run is not slowed by asking).
        QueryRun warmUp = start("fault-free-warm-up");
        Map<Integer, Long> stageDone = new TreeMap<>();
        long started = System.nanoTime();
        while (!warmUp.result().isDone()) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            warmUp.queryId().ifPresent(queryId -> coordinatorStageStates(queryId).forEach((stage, state) -> {
                if (state.equals("FINISHED")) {
                    stageDone.putIfAbsent(stage, millis);
                }
            }));
            // a sampling interval for the timeline printed below, not a wait for anything
            Waits.sleep(Duration.ofMillis(500));
        }
        QueryResult first = warmUp.await();
        faultFree = run("fault-free");
        ResultComparison.assertSameRows(first, faultFree);
        System.out.printf("[hdfs faults] fault-free: %d rows in %d ms (warm-up %d ms, in which stages were done at ms %s), load average %s%n",
                faultFree.rowCount(), faultFree.wallTime().toMillis(), first.wallTime().toMillis(), stageDone, RunInfo.loadAverage());
        assertThat(faultFree.rowCount()).isGreaterThan(0);
    }

    /** (a) Replication 2: a DataNode SIGKILLed while the query's first stages write their spool. */
    @Test
    @Order(2)
    void dataNodeKilledWhileSpoolingLosesNothing()
    {
        QueryRun run = start("kill-while-spooling");
        awaitSpoolFiles(run);
        long faultAt = System.nanoTime();
        hdfs.killDataNode(VICTIM);
        QueryResult result = run.await();
        report("datanode SIGKILLed while spooling", result, faultAt);
        ResultComparison.assertSameRows(faultFree, result);
        hdfs.restartDataNode(VICTIM);
    }

    /** (a) Replication 2: a DataNode SIGKILLed while a later stage reads a finished stage's spool. */
    @Test
    @Order(3)
    void dataNodeKilledWhileReadingLosesNothing()
    {
        QueryRun run = start("kill-while-reading");
        int producer = awaitConsumerReading(run);
        long faultAt = System.nanoTime();
        hdfs.killDataNode(VICTIM);
        System.out.printf("[hdfs faults] killed %s while stage %s read stage %d's spool%n", hdfs.dataNode(VICTIM), consumerOf(producer), producer);
        QueryResult result = run.await();
        report("datanode SIGKILLed while a stage reads the spool", result, faultAt);
        ResultComparison.assertSameRows(faultFree, result);
        hdfs.restartDataNode(VICTIM);
    }

    /** (b) Replication 2: a DataNode frozen (SIGSTOP) from the first spool writes until the query ends. */
    @Test
    @Order(4)
    void frozenDataNodeLosesNothing()
    {
        QueryRun run = start("freeze");
        awaitSpoolFiles(run);
        long faultAt = System.nanoTime();
        hdfs.freezeDataNode(VICTIM);
        QueryResult result;
        try {
            result = run.await();
        }
        finally {
            hdfs.thawDataNode(VICTIM);
        }
        report("datanode frozen (SIGSTOP) during the query", result, faultAt);
        ResultComparison.assertSameRows(faultFree, result);
        // the NameNode declared it dead meanwhile; thawed, it registers again
        hdfs.awaitLiveDataNodes(2, Duration.ofSeconds(60));
    }

    /** (d) Replication 2: the NameNode SIGKILLed and started again once a stage has finished and its consumer runs. */
    @Test
    @Order(5)
    void nameNodeRestartBetweenStages()
    {
        QueryRun run = start("namenode-restart");
        // the first stages done and the inventory stage reading them: the inventory stage's own spool would be read
        // by the next one for only a second, too short a window to hit
        int producer = awaitConsumerReading(run, 1);
        long faultAt = System.nanoTime();
        hdfs.restartNameNode();
        System.out.printf("[hdfs faults] NameNode restarted after stage %d finished, in %d ms%n", producer, (System.nanoTime() - faultAt) / 1_000_000);
        Outcome outcome = run.outcome();
        System.out.println("[hdfs faults] after the NameNode restart: " + outcome);
        // Whether the query lives depends on how long the NameNode was away: HDFS clients retry a refused connection
        // 10 times, 1 s apart (ipc.client.connect.max.retries), then the call fails. A spool file's write or finish
        // failing so fails its task, which Trino retries; the retry's sink directory is created by the coordinator,
        // and that failing fails the query. Never wrong rows either way, and a failure names the spool path.
        outcome.result().ifPresent(result -> {
            report("NameNode restarted between stages", result, faultAt);
            ResultComparison.assertSameRows(faultFree, result);
        });
        outcome.failure().ifPresent(message -> assertThat(message)
                .contains(hdfs.defaultFs() + "/exchange/")
                .containsPattern("Connection refused|ConnectException"));
    }

    /**
     * (c) Replication 1: the DataNode holding the only copy of a finished stage's spool files SIGKILLed before the
     * stage reading them starts. Trino does not run a finished stage again, so no retry can bring those files back.
     */
    @Test
    @Order(6)
    void lostFinishedSpoolWithReplicationOneFailsLoudly()
            throws IOException
    {
        stopCluster();
        startCluster(1);
        QueryRun run = start("replication-1-lost-spool");
        // A finished stage whose reader has not started: a small side of a join finished while the big side still runs.
        int producer = awaitStage(run, "a finished stage whose reader has no task yet", (stages, tasks, spool) -> stages.entrySet().stream()
                .filter(stage -> stage.getValue().equals("FINISHED") && spoolBytes(spool, stage.getKey()) > 0)
                .filter(stage -> !tasks.containsKey(consumerOf(stage.getKey())))
                .map(Map.Entry::getKey)
                .findFirst());
        Map<Integer, List<LocatedFileStatus>> spool = spoolFiles(run.queryId().orElseThrow());
        List<LocatedFileStatus> files = spool.get(producer);
        Map<Integer, List<String>> filesByDataNode = filesByDataNode(files);
        int victim = filesByDataNode.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.size(), b.size()))).orElseThrow().getKey();
        List<String> lost = filesByDataNode.get(victim);
        // other finished stages may have had their only copy there too, and the reader may fail on one of those first
        List<String> lostAnywhere = filesByDataNode(spool.values().stream().flatMap(List::stream).toList()).get(victim);
        long faultAt = System.nanoTime();
        hdfs.killDataNode(victim);
        System.out.printf("[hdfs faults] killed %s holding the only copy of %d of stage %d's %d spool files (consumer stage %d not started): %s%n",
                hdfs.dataNode(victim), lost.size(), producer, files.size(), consumerOf(producer), lost);
        Outcome outcome = run.outcome();
        System.out.printf("[hdfs faults] replication 1, lost finished spool: %s after %d ms from the kill%n", outcome, (System.nanoTime() - faultAt) / 1_000_000);
        assertThat(outcome.result()).as("query with a finished stage's only spool copy lost").isEmpty();
        String message = outcome.failure().orElseThrow();
        assertThat(lostAnywhere).as("the error names a spool file lost with the DataNode: " + message).anyMatch(message::contains);
        assertThat(message).contains("Could not obtain block").containsPattern("blk_\\d+");
    }

    /** DataNode index -> paths of the files with a block on it. */
    private Map<Integer, List<String>> filesByDataNode(List<LocatedFileStatus> files)
    {
        Map<Integer, List<String>> filesByDataNode = new HashMap<>();
        for (LocatedFileStatus file : files) {
            for (BlockLocation block : file.getBlockLocations()) {
                for (String name : names(block)) {
                    for (int i = 0; i < hdfs.dataNodeCount(); i++) {
                        if (name.equals(hdfs.dataNodeTransferAddress(i))) {
                            filesByDataNode.computeIfAbsent(i, key -> new ArrayList<>()).add(file.getPath().toUri().getPath());
                        }
                    }
                }
            }
        }
        return filesByDataNode;
    }

    private static List<String> names(BlockLocation block)
    {
        try {
            return List.of(block.getNames());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void report(String fault, QueryResult result, long faultAtNanos)
    {
        System.out.printf("[hdfs faults] %s: %d rows in %d ms (fault-free %d ms, %.2fx), fault to end %d ms, load average %s%n", fault, result.rowCount(), result.wallTime().toMillis(),
                faultFree.wallTime().toMillis(), (double) result.wallTime().toMillis() / faultFree.wallTime().toMillis(), (System.nanoTime() - faultAtNanos) / 1_000_000,
                RunInfo.loadAverage());
    }

    /** Waits until the query's spool on HDFS has files (its first stages are writing) while it runs. */
    private void awaitSpoolFiles(QueryRun run)
    {
        awaitStage(run, "the query's first spool files on HDFS", (stages, tasks, spool) -> spool.keySet().stream().findFirst());
    }

    /**
     * Waits until a stage that spooled at least {@link #BIG_SPOOL_BYTES} (or {@code minimumSpoolBytes}) has finished (as
     * the coordinator's stage state says) and the stage reading it runs; returns the finished stage, the biggest such. Under retry-policy=TASK the reader may have started
     * before (it reads the output of each finished task), but from then on it reads nothing but the spool.
     */
    private int awaitConsumerReading(QueryRun run)
    {
        return awaitConsumerReading(run, BIG_SPOOL_BYTES);
    }

    private int awaitConsumerReading(QueryRun run, long minimumSpoolBytes)
    {
        return awaitStage(run, "a finished stage read by a running stage", (stages, tasks, spool) -> stages.entrySet().stream()
                .filter(stage -> stage.getValue().equals("FINISHED") && spoolBytes(spool, stage.getKey()) >= minimumSpoolBytes)
                .filter(stage -> "RUNNING".equals(stages.get(consumerOf(stage.getKey()))))
                .map(Map.Entry::getKey)
                .max(Comparator.comparingLong(stage -> spoolBytes(spool, stage))));
    }

    private static long spoolBytes(Map<Integer, List<LocatedFileStatus>> spool, int stage)
    {
        return spool.getOrDefault(stage, List.of()).stream().mapToLong(LocatedFileStatus::getLen).sum();
    }

    private interface StageCondition
    {
        Optional<Integer> find(Map<Integer, String> stageStates, Map<Integer, List<String>> taskStates, Map<Integer, List<LocatedFileStatus>> spool);
    }

    private int awaitStage(QueryRun run, String what, StageCondition condition)
    {
        int[] found = {-1};
        Waits.until(what + " of " + run.source(), Duration.ofMinutes(3), null, () -> {
            if (run.result().isDone()) {
                throw new IllegalStateException("The query ended before " + what + ": " + run.outcome());
            }
            Optional<String> queryId = run.queryId();
            if (queryId.isEmpty()) {
                return false;
            }
            Map<Integer, String> stages = coordinatorStageStates(queryId.get());
            Map<Integer, List<String>> tasks = taskStates(run.source());
            Map<Integer, List<LocatedFileStatus>> spool = spoolFiles(queryId.get());
            Optional<Integer> stage = condition.find(stages, tasks, spool);
            stage.ifPresent(value -> {
                found[0] = value;
                System.out.printf("[hdfs faults] %s: %s (stage %d); stages %s, task states by stage %s, spool MB by stage %s%n", run.source(), what, value, stages, tasks,
                        spool.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().stream().mapToLong(LocatedFileStatus::getLen).sum() >> 20, (a, b) -> a, TreeMap::new)));
            });
            return stage.isPresent();
        });
        return found[0];
    }

    private int consumerOf(int stage)
    {
        return sources.entrySet().stream().filter(entry -> entry.getValue().contains(stage)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("No stage reads stage " + stage + ": " + sources));
    }

    /** Stage states of a query from the coordinator's query info: a stage is FINISHED once no task of it is left to run. */
    private Map<Integer, String> coordinatorStageStates(String queryId)
    {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.coordinator().uri() + "/v1/query/" + queryId))
                .header("X-Trino-User", TrinoCluster.USER)
                .build();
        // HTTP/1.1: over h2c the JDK client rejects the coordinator's frames of a big query info
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Map.of();
            }
            Map<Integer, String> states = new TreeMap<>();
            for (JsonNode stage : JSON.readTree(response.body()).path("stages").path("stages")) {
                states.put(stageNumber(stage.path("stageId").asText()), stage.path("state").asText());
            }
            return states;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Task states by stage of the query from {@code source}, as the coordinator lists them (every attempt). */
    private Map<Integer, List<String>> taskStates(String source)
    {
        QueryResult tasks = cluster.query("SELECT t.stage_id, t.state FROM system.runtime.tasks t JOIN system.runtime.queries q ON t.query_id = q.query_id "
                + "WHERE q.source = '" + source + "'");
        return tasks.rows().stream().collect(Collectors.groupingBy(row -> stageNumber((String) row.get(0)), TreeMap::new,
                Collectors.mapping(row -> (String) row.get(1), Collectors.toList())));
    }

    private static int stageNumber(String stageId)
    {
        return Integer.parseInt(stageId.substring(stageId.lastIndexOf('.') + 1));
    }

    /** The query's spool files on HDFS by the stage writing them (its exchange is named external-exchange-<stage>). */
    private Map<Integer, List<LocatedFileStatus>> spoolFiles(String queryId)
    {
        Pattern sinkDirectory = Pattern.compile("\\." + Pattern.quote(queryId) + "\\.external-exchange-(\\d+)\\.");
        Map<Integer, List<LocatedFileStatus>> files = new TreeMap<>();
        try {
            RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(new Path("/exchange"), true);
            while (iterator.hasNext()) {
                LocatedFileStatus file = iterator.next();
                Matcher matcher = sinkDirectory.matcher(file.getPath().toString());
                if (matcher.find() && file.getPath().getName().endsWith(".data")) {
                    files.computeIfAbsent(Integer.parseInt(matcher.group(1)), key -> new ArrayList<>()).add(file);
                }
            }
        }
        catch (FileNotFoundException e) {
            // a directory deleted while listing
            return Map.of();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Stage -> the stages it reads from, from {@code EXPLAIN (TYPE DISTRIBUTED)} of the query. */
    private Map<Integer, Set<Integer>> plan()
    {
        String explain = (String) cluster.query("EXPLAIN (TYPE DISTRIBUTED) " + SQL).onlyValue();
        Map<Integer, Set<Integer>> plan = new TreeMap<>();
        int fragment = -1;
        for (String line : explain.lines().toList()) {
            Matcher header = FRAGMENT.matcher(line);
            if (header.find()) {
                fragment = Integer.parseInt(header.group(1));
                plan.put(fragment, new TreeSet<>());
                continue;
            }
            Matcher remote = REMOTE_SOURCES.matcher(line);
            if (remote.find() && fragment >= 0) {
                for (String id : remote.group(1).split(",")) {
                    plan.get(fragment).add(Integer.parseInt(id.trim()));
                }
            }
        }
        return plan;
    }

    private QueryResult run(String source)
    {
        return start(source).await();
    }

    private QueryRun start(String source)
    {
        CompletableFuture<QueryResult> result = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = cluster.connect(source); Statement statement = connection.createStatement()) {
                return QueryResult.run(statement, SQL);
            }
            catch (SQLException e) {
                throw new QueryFailedException(SQL, e, cluster.deadNodesReport());
            }
        });
        return new QueryRun(source, result);
    }

    private record Outcome(Optional<QueryResult> result, Optional<String> failure)
    {
        @Override
        public String toString()
        {
            return result.map(value -> value.rowCount() + " rows in " + value.wallTime().toMillis() + " ms").orElseGet(() -> "failed: " + failure.orElseThrow());
        }
    }

    private final class QueryRun
    {
        private final String source;
        private final CompletableFuture<QueryResult> result;
        private String queryId;

        QueryRun(String source, CompletableFuture<QueryResult> result)
        {
            this.source = source;
            this.result = result;
        }

        String source()
        {
            return source;
        }

        CompletableFuture<QueryResult> result()
        {
            return result;
        }

        Optional<String> queryId()
        {
            if (queryId == null) {
                List<List<Object>> rows = cluster.query("SELECT query_id FROM system.runtime.queries WHERE source = '" + source + "'").rows();
                if (!rows.isEmpty()) {
                    queryId = (String) rows.getFirst().getFirst();
                }
            }
            return Optional.ofNullable(queryId);
        }

        QueryResult await()
        {
            Outcome outcome = outcome();
            return outcome.result().orElseThrow(() -> new AssertionError(source + " failed: " + outcome.failure().orElseThrow()));
        }

        Outcome outcome()
        {
            try {
                return new Outcome(Optional.of(result.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)), Optional.empty());
            }
            catch (ExecutionException e) {
                return new Outcome(Optional.empty(), Optional.of(String.valueOf(e.getCause().getMessage())));
            }
            catch (Exception e) {
                throw new IllegalStateException(source + " did not end within " + QUERY_TIMEOUT, e);
            }
        }
    }
}
