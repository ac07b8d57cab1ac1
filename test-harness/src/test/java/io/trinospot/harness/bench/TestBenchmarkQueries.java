package io.trinospot.harness.bench;

import io.trinospot.harness.Dataset;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestBenchmarkQueries
{
    @Test
    void loadsAllTwentyTwoTpchQueriesFromTheLibrary()
    {
        List<BenchmarkQuery> queries = BenchmarkQueries.all("tpch", "sf1");
        assertThat(queries).hasSize(22);
        assertThat(queries).extracting(BenchmarkQuery::id).startsWith("tpch:q1", "tpch:q2").endsWith("tpch:q22");
        for (BenchmarkQuery query : queries) {
            assertThat(query.sql()).as(query.id()).startsWithIgnoringCase("SELECT").doesNotContain("--").doesNotEndWith(";");
            assertThat(query.dataset().lakeSchema()).isEqualTo("tpch_sf1");
        }
    }

    @Test
    void everyTpcdsQueryReadsOnlyTablesTheBenchmarkCopiesIntoTheLake()
    {
        List<BenchmarkQuery> queries = BenchmarkQueries.all("tpcds", "sf1");
        assertThat(queries).hasSize(BenchmarkQueries.TPCDS_QUERIES.size());
        Pattern table = Pattern.compile("lake\\.tpcds_sf1\\.([a-z_]+)");
        Set<String> read = new TreeSet<>();
        for (BenchmarkQuery query : queries) {
            assertThat(query.sql()).as(query.id()).doesNotContain("--").doesNotContain("${schema}").doesNotEndWith(";");
            table.matcher(query.sql()).results().map(match -> match.group(1)).forEach(read::add);
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(Dataset.TPCDS_BENCHMARK_TABLES);
    }

    @Test
    void viewOfQ15IsSetUp()
    {
        BenchmarkQuery q15 = BenchmarkQueries.tpch(15, "tiny");
        assertThat(q15.setup()).singleElement().asString().startsWith("CREATE OR REPLACE VIEW revenue");
        assertThat(q15.sql()).startsWith("SELECT").contains("revenue");
        assertThat(q15.dataset().lakeSchema()).isEqualTo("tpch_tiny");
    }

    @Test
    void parsesStatements()
    {
        BenchmarkQuery query = BenchmarkQueries.parse("x", Dataset.tpch("tiny"), "-- comment\nCREATE VIEW v AS SELECT 1;\n\n  -- another\nSELECT * FROM v;\n");
        assertThat(query.setup()).containsExactly("CREATE VIEW v AS SELECT 1");
        assertThat(query.sql()).isEqualTo("SELECT * FROM v");
    }

    @Test
    void selectsBySetAndName()
    {
        assertThat(BenchmarkQueries.select("tpch:q1,q3,q6", "sf1")).extracting(BenchmarkQuery::id).containsExactly("tpch:q1", "tpch:q3", "tpch:q6");
        assertThat(BenchmarkQueries.select("tpch:q22, tpcds:q39,q22", "sf1")).extracting(BenchmarkQuery::id)
                .containsExactly("tpch:q22", "tpcds:q39", "tpcds:q22");
        assertThat(BenchmarkQueries.select("tpch,tpcds", "sf1")).hasSize(22 + BenchmarkQueries.TPCDS_QUERIES.size());
        assertThat(BenchmarkQueries.select("tpcds:q21", "sf1").getFirst().sql()).contains("lake.tpcds_sf1.inventory");
    }

    @Test
    void rejectsUnknownQueries()
    {
        assertThatThrownBy(() -> BenchmarkQueries.select("q1", "sf1")).hasMessageContaining("names no set");
        assertThatThrownBy(() -> BenchmarkQueries.select("tpch:q23", "sf1")).hasMessageContaining("q1 to q22");
        assertThatThrownBy(() -> BenchmarkQueries.select("tpcds:q1", "sf1")).hasMessageContaining("q39");
        assertThatThrownBy(() -> BenchmarkQueries.select("tpcc:q1", "sf1")).hasMessageContaining("Unknown query set");
        assertThatThrownBy(() -> BenchmarkQueries.select(" , ", "sf1")).hasMessageContaining("No query");
    }
}
