package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lake on HDFS ({@code cluster up --lake hdfs}): tables copied into HDFS answer q39 like the generator. */
class HdfsLakeIT
{
    @Test
    void q39OnHdfsLakeMatchesGenerator()
    {
        try (TrinoCluster cluster = TrinoCluster.start(ClusterSpec.builder().workers(1).lake(LakeStorage.HDFS).build())) {
            Dataset tiny = Dataset.tpcds("tiny", Dataset.TPCDS_Q39_TABLES);
            assertThat(Lake.ensure(cluster, tiny)).isEqualTo(Dataset.TPCDS_Q39_TABLES.size());
            QueryResult location = cluster.query("SELECT \"$path\" FROM " + tiny.qualifiedLakeSchema() + ".warehouse LIMIT 1");
            assertThat((String) location.onlyValue()).startsWith(cluster.hdfs().orElseThrow().defaultFs().toString());

            QueryResult generator = cluster.query(Queries.tpcdsQ39("tpcds.tiny"));
            QueryResult lake = cluster.query(Queries.tpcdsQ39(tiny.qualifiedLakeSchema()));
            ResultComparison.assertSameRows(generator, lake);
        }
    }
}
