package io.trinospot.exchange;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A coordinator SIGKILLed mid-query and restarted, on a real Trino cluster with the spot exchange on a local
 * directory: the restarted coordinator is a new owner, so the dead query's spool directories are its predecessor's;
 * they must go once that owner's lease has not changed for {@code exchange.orphan-cleanup.min-age}, while every query
 * started after the restart, some of them running as the sweep deletes, keeps its spool and gives the fault-free rows.
 * <p>
 * Opt-in (about five minutes): {@code -Dtrinospot.faults=coordinator}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoordinatorRestartCleanupIT
{
    private static final Duration MIN_AGE = Duration.ofMinutes(1);
    // a join and an aggregation over generated TPC-H data: three stages that spool, tens of seconds on two workers
    private static final String SQL = """
            SELECT o.o_orderpriority, count(*) AS lines, sum(l.l_extendedprice) AS revenue, max(l.l_comment) AS last_comment
            FROM tpch.sf1.lineitem l JOIN tpch.sf1.orders o ON l.l_orderkey = o.o_orderkey
            GROUP BY o.o_orderpriority""";
    private static final String CRASHED_MARKER = "-- the query the coordinator dies in";
    private static final Pattern SINK_DIRECTORY = Pattern.compile("[0-9a-f]+\\.(\\d{8}_\\d{6}_\\d+_[0-9a-z]+)\\.[^/.]+\\.\\d+");
    private static final Pattern OWNER_STARTED = Pattern.compile("Spool orphan cleanup started on this coordinator as owner ([0-9a-f]{16})");
    private static final Pattern SWEEP = Pattern.compile("deleted (\\d+) directories of queries this coordinator no longer runs, (\\d+) directories of owners \\[([0-9a-f, ]*)]");

    private TrinoCluster cluster;
    private Path exchangeDirectory;

    @BeforeAll
    void start()
    {
        assumeTrue("coordinator".equals(System.getProperty("trinospot.faults")), "set -Dtrinospot.faults=coordinator to run the coordinator restart test");
        cluster = TrinoCluster.start(ClusterSpec.builder()
                .workers(2)
                .taskRetries(ExchangeKind.SPOT_LOCAL)
                .lake(LakeStorage.NONE)
                .exchangeProperty("exchange.orphan-cleanup.min-age", MIN_AGE.toSeconds() + "s")
                .exchangeProperty("exchange.orphan-cleanup.interval", "5s")
                .build());
        exchangeDirectory = cluster.workDir().resolve("exchange");
    }

    @AfterAll
    void stop()
    {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void deadQuerysSpoolGoesAfterMinAgeAndQueriesAfterTheRestartKeepTheirs()
            throws Exception
    {
        QueryResult faultFree = cluster.query(SQL);
        String firstOwner = owners(logSince(0)).stream().findFirst().orElseThrow(() -> new AssertionError("the coordinator's log names no cleanup owner"));
        System.out.printf("fault-free: %d rows in %d ms; the first coordinator's cleanup owner is %s%n", faultFree.rowCount(), faultFree.wallTime().toMillis(), firstOwner);

        CompletableFuture<QueryResult> crashed = CompletableFuture.supplyAsync(() -> cluster.query(SQL + "\n" + CRASHED_MARKER));
        String crashedQuery = awaitRunningQuery();
        Waits.until("a spool directory of " + crashedQuery, Duration.ofMinutes(2), null, () -> !sinkDirectories(crashedQuery).isEmpty());
        Set<String> spooledBeforeCrash = sinkDirectories(crashedQuery);
        long logPosition = Files.size(cluster.coordinator().logFile());
        cluster.kill("coordinator");
        Instant killed = Instant.now();
        assertThat(crashed).failsWithin(Duration.ofMinutes(1));
        System.out.printf("coordinator SIGKILLed with %s spooling: %s%n", crashedQuery, spooledBeforeCrash);

        cluster.restart("coordinator");
        cluster.awaitActiveWorkers(2, Duration.ofMinutes(3));
        System.out.printf("coordinator back with both workers active %d ms after the kill%n", Duration.between(killed, Instant.now()).toMillis());

        // Queries back to back until the dead query's spool is gone, and one more: the sweep that deletes it runs
        // while one of them spools.
        List<String> afterRestart = new ArrayList<>();
        Instant deadline = Instant.now().plus(MIN_AGE).plus(Duration.ofMinutes(4));
        boolean gone = false;
        while (Instant.now().isBefore(deadline)) {
            QueryResult result = cluster.query(SQL);
            ResultComparison.assertSameRows(faultFree, result);
            afterRestart.add(result.queryId());
            if (gone) {
                break;
            }
            gone = sinkDirectories(crashedQuery).isEmpty();
        }
        System.out.printf("%d queries after the restart, all with the fault-free rows: %s%n", afterRestart.size(), afterRestart);
        assertThat(gone).as("the dead query's spool directories deleted within min-age + 4 min of the restart").isTrue();
        assertThat(afterRestart).as("queries after the restart, one at least after the deletion").hasSizeGreaterThanOrEqualTo(2);

        String restartedLog = logSince(logPosition);
        Set<String> restartedOwners = owners(restartedLog);
        assertThat(restartedOwners).as("the restarted coordinator's cleanup owner").hasSize(1).doesNotContain(firstOwner);
        List<Sweep> sweeps = sweeps(restartedLog);
        System.out.println("sweeps that deleted or skipped: " + sweeps);
        assertThat(sweeps).as("sweeps that deleted another owner's directories")
                .filteredOn(sweep -> sweep.ownerStale() > 0)
                .isNotEmpty()
                .allSatisfy(sweep -> assertThat(sweep.staleOwners()).containsExactly(firstOwner));
        assertThat(Files.exists(exchangeDirectory.resolve(OrphanCleaner.OWNERS_DIRECTORY).resolve(firstOwner))).as("the dead owner's lease and markers").isFalse();
        // nothing of a query after the restart is left behind either (Trino's own delete, or this owner's sweep)
        Waits.until("the later queries' spool directories deleted", Duration.ofMinutes(1), null,
                () -> afterRestart.stream().allMatch(query -> sinkDirectories(query).isEmpty()));
    }

    /** The id of the running query carrying {@link #CRASHED_MARKER}. */
    private String awaitRunningQuery()
    {
        List<String> found = new ArrayList<>();
        Waits.until("the query the coordinator dies in to run", Duration.ofMinutes(1), null, () -> {
            try {
                cluster.query("SELECT query_id FROM system.runtime.queries WHERE state = 'RUNNING' AND query LIKE '%" + CRASHED_MARKER + "%' AND query NOT LIKE '%system.runtime.queries%'")
                        .rows().forEach(row -> found.add((String) row.getFirst()));
            }
            catch (RuntimeException e) {
                return false;
            }
            return !found.isEmpty();
        });
        return found.getFirst();
    }

    /** Sink directories of {@code queryId} under the exchange's base directory. */
    private Set<String> sinkDirectories(String queryId)
    {
        if (!Files.isDirectory(exchangeDirectory)) {
            return Set.of();
        }
        try (Stream<Path> entries = Files.list(exchangeDirectory)) {
            return entries.map(path -> path.getFileName().toString())
                    .filter(name -> {
                        Matcher sink = SINK_DIRECTORY.matcher(name);
                        return sink.matches() && sink.group(1).equals(queryId);
                    })
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logSince(long position)
            throws IOException
    {
        byte[] log = Files.readAllBytes(cluster.coordinator().logFile());
        int from = position <= log.length ? (int) position : 0;
        return new String(log, from, log.length - from, StandardCharsets.UTF_8);
    }

    private static Set<String> owners(String log)
    {
        Set<String> owners = new TreeSet<>();
        Matcher matcher = OWNER_STARTED.matcher(log);
        while (matcher.find()) {
            owners.add(matcher.group(1));
        }
        return owners;
    }

    private static List<Sweep> sweeps(String log)
    {
        List<Sweep> sweeps = new ArrayList<>();
        Matcher matcher = SWEEP.matcher(log);
        while (matcher.find()) {
            Set<String> stale = Stream.of(matcher.group(3).split(",")).map(String::strip).filter(owner -> !owner.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
            sweeps.add(new Sweep(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), stale));
        }
        return sweeps;
    }

    private record Sweep(int queryEnded, int ownerStale, Set<String> staleOwners)
    {
        @Override
        public String toString()
        {
            return "ended " + queryEnded + ", stale " + ownerStale + " " + staleOwners;
        }
    }
}
