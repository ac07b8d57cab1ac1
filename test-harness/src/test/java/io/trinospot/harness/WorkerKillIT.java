package io.trinospot.harness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cluster (coordinator + 3 workers, HDFS, S3 lake, retry-policy=TASK with Trino's filesystem exchange on a local
 * directory) for what the harness promises at scale sf1, in order: it starts with everything it needs; the lake copy
 * answers q39 like the generator and is reused, not copied again; and a worker SIGKILLed while q39 runs (never
 * restarted) does not change the query's rows.
 * <p>
 * Opt-in ({@code -Dtrinospot.harness.sf1=true}): in every build HdfsLakeIT checks the lake copy against the generator
 * and its reuse (at scale tiny), and the product's cluster ITs kill workers through this harness on the spot exchange
 * (SpotExchangeHdfsClusterIT, EtlExactlyOnceIT); what is left here is Trino's own exchange through a kill, which is
 * Trino's to test, and a cluster less keeps {@code ./mvnw verify} within its 40 minutes.
 */
@EnabledIfSystemProperty(named = "trinospot.harness.sf1", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerKillIT
{
    private static final String VICTIM = "worker-1";

    private TrinoCluster cluster;
    // q39 on the lake copy with every worker up, from the test before when it ran
    private QueryResult faultFree;

    @BeforeAll
    void startCluster()
    {
        cluster = TrinoCluster.start(ClusterSpec.builder()
                .workers(3)
                .taskRetries(ExchangeKind.LOCAL)
                .lake(LakeStorage.S3)
                .hdfs(true)
                // A dead worker's tasks are given up on after this; Trino's default under TASK retries is 1m.
                .property("query.remote-task.max-error-duration", "10s")
                .build());
        Lake.ensure(cluster, TestDatasets.Q39_SF1);
    }

    @AfterAll
    void stopCluster()
    {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void clusterHasActiveWorkersAndStorage()
    {
        assertThat(cluster.activeWorkers()).containsExactlyInAnyOrder("worker-1", "worker-2", "worker-3");
        assertThat(cluster.hdfs()).isPresent();
        assertThat(cluster.s3()).isPresent();
        assertThat(cluster.processes()).allMatch(ManagedProcess::isAlive);
        System.out.printf("startup: %d ms%n", cluster.startupTime().toMillis());
    }

    @Test
    @Order(2)
    void lakeTablesAreReusedNotCopiedAgain()
    {
        assertThat(Lake.ensure(cluster, TestDatasets.Q39_SF1)).isZero();
    }

    @Test
    @Order(3)
    void q39OnLakeCopyMatchesGenerator()
    {
        QueryResult generator = cluster.query(Queries.tpcdsQ39("tpcds.sf1"));
        QueryResult lake = cluster.query(Queries.tpcdsQ39(TestDatasets.Q39_SF1.qualifiedLakeSchema()));
        faultFree = lake;
        System.out.printf("q39 sf1: generator %d ms, lake %d ms, %d rows%n",
                generator.wallTime().toMillis(), lake.wallTime().toMillis(), lake.rowCount());
        assertThat(lake.rowCount()).isGreaterThan(0);
        ResultComparison.assertSameRows(generator, lake);
    }

    @Test
    @Order(4)
    void q39SurvivesSigkilledWorker()
            throws Exception
    {
        String q39 = Queries.tpcdsQ39(TestDatasets.Q39_SF1.qualifiedLakeSchema());
        if (faultFree == null) {
            faultFree = cluster.query(q39);
        }
        assertThat(faultFree.rowCount()).isGreaterThan(0);

        // Kill only once the victim is really working on this query, so the kill destroys in-flight work.
        KillMidQuery kill = KillMidQuery.start(cluster, q39, VICTIM, "inv_quantity_on_hand", faultFree, 3);
        assertThat(cluster.node(VICTIM).isAlive()).isFalse();

        QueryResult result = kill.result().get(5, TimeUnit.MINUTES);
        Duration recovery = Duration.ofNanos(System.nanoTime() - kill.killedAtNanos());
        System.out.printf("q39 TASK retries: fault-free %d ms; with %s killed %d ms (kill to completion %d ms), %d rows%n",
                faultFree.wallTime().toMillis(), VICTIM, result.wallTime().toMillis(), recovery.toMillis(), result.rowCount());

        ResultComparison.assertSameRows(faultFree, result);
        assertThat(cluster.node(VICTIM).isAlive()).as("the victim must stay dead").isFalse();
        Waits.until("coordinator to drop " + VICTIM, Duration.ofSeconds(120), null, () -> !cluster.activeWorkers().contains(VICTIM));
    }
}
