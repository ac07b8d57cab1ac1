package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lake on HDFS ({@code cluster up --lake hdfs}): tables copied into HDFS answer q39 like the generator, and a
 * second ensure finds them and copies nothing. The same cluster, with an S3 server for its exchange, shows that close
 * stops every process it started (one cluster instead of two keeps CI within its budget). The same at scale sf1 on
 * the S3 lake, with a worker killed, is WorkerKillIT's (opt-in). Also here: {@link KillMidQuery}'s runs that end
 * before the worker holds a task of theirs.
 */
class HdfsLakeIT
{
    @Test
    void q39OnHdfsLakeMatchesGeneratorAndCloseStopsEveryProcess()
    {
        List<ManagedProcess> processes;
        ClusterSpec spec = ClusterSpec.builder().workers(1).lake(LakeStorage.HDFS).exchange(ExchangeKind.S3).build();
        try (TrinoCluster cluster = TrinoCluster.start(spec)) {
            processes = cluster.processes();
            // coordinator, worker, S3, NameNode, DataNode
            assertThat(processes).hasSize(5).allMatch(ManagedProcess::isAlive);
            assertThat(ProcessReaper.ownedBy(String.valueOf(ProcessHandle.current().pid()))).hasSizeGreaterThanOrEqualTo(5);

            Dataset tiny = Dataset.tpcds("tiny", Dataset.TPCDS_Q39_TABLES);
            assertThat(Lake.ensure(cluster, tiny)).isEqualTo(Dataset.TPCDS_Q39_TABLES.size());
            assertThat(Lake.ensure(cluster, tiny)).as("tables copied again").isZero();
            QueryResult location = cluster.query("SELECT \"$path\" FROM " + tiny.qualifiedLakeSchema() + ".warehouse LIMIT 1");
            assertThat((String) location.onlyValue()).startsWith(cluster.hdfs().orElseThrow().defaultFs().toString());

            QueryResult generator = cluster.query(Queries.tpcdsQ39("tpcds.tiny"));
            QueryResult lake = cluster.query(Queries.tpcdsQ39(tiny.qualifiedLakeSchema()));
            ResultComparison.assertSameRows(generator, lake);

            // KillMidQuery when no task is ever seen on the worker: every run is checked against the reference, the
            // worker is left alive, and the caller learns that no run was hit.
            String counted = "SELECT count(*) FROM " + tiny.qualifiedLakeSchema() + ".warehouse";
            QueryResult reference = cluster.query(counted);
            assertThatThrownBy(() -> KillMidQuery.start(cluster, counted, "worker-1", "text in no query", reference, 2))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("The query finished 2 times before a task of it was seen on worker-1");
            QueryResult wrongReference = cluster.query("SELECT count(*) + 1 FROM " + tiny.qualifiedLakeSchema() + ".warehouse");
            assertThatThrownBy(() -> KillMidQuery.start(cluster, counted, "worker-1", "text in no query", wrongReference, 2))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Results differ");
            assertThat(cluster.node("worker-1").isAlive()).isTrue();
        }
        assertThat(processes).noneMatch(ManagedProcess::isAlive);
        assertThat(ProcessReaper.ownedBy(String.valueOf(ProcessHandle.current().pid()))).isEmpty();
    }
}
