package io.trinospot.harness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** Must-show 1: coordinator + 2 workers + HDFS + S3 start, and q39 on the lake copy equals q39 on the generator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterQueryIT
{
    private TrinoCluster cluster;

    @BeforeAll
    void startCluster()
    {
        cluster = TrinoCluster.start(ClusterSpec.builder()
                .workers(2)
                .lake(LakeStorage.S3)
                .hdfs(true)
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
    void clusterHasTwoActiveWorkersAndStorage()
    {
        assertThat(cluster.activeWorkers()).containsExactlyInAnyOrder("worker-1", "worker-2");
        assertThat(cluster.hdfs()).isPresent();
        assertThat(cluster.s3()).isPresent();
        assertThat(cluster.processes()).allMatch(ManagedProcess::isAlive);
        System.out.printf("startup: %d ms%n", cluster.startupTime().toMillis());
    }

    @Test
    void q39OnLakeCopyMatchesGenerator()
    {
        QueryResult generator = cluster.query(Queries.tpcdsQ39("tpcds.sf1"));
        QueryResult lake = cluster.query(Queries.tpcdsQ39(TestDatasets.Q39_SF1.qualifiedLakeSchema()));
        System.out.printf("q39 sf1: generator %d ms, lake %d ms, %d rows%n",
                generator.wallTime().toMillis(), lake.wallTime().toMillis(), lake.rowCount());
        assertThat(lake.rowCount()).isGreaterThan(0);
        ResultComparison.assertSameRows(generator, lake);
    }

    @Test
    void lakeTablesAreReusedNotCopiedAgain()
    {
        assertThat(Lake.ensure(cluster, TestDatasets.Q39_SF1)).isZero();
    }
}
