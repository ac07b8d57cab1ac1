package io.trinospot.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestQueryCost
{
    @Test
    void parsesAirliftUnits()
    {
        assertThat(QueryCost.millis("1.50s")).isEqualTo(1500);
        assertThat(QueryCost.millis("250.00ms")).isEqualTo(250);
        assertThat(QueryCost.millis("2.00m")).isEqualTo(120_000);
        assertThat(QueryCost.millis("800.00us")).isEqualTo(1);
        assertThat(QueryCost.bytes("0B")).isEqualTo(0);
        assertThat(QueryCost.bytes("1.50kB")).isEqualTo(1536);
        assertThat(QueryCost.bytes("12MB")).isEqualTo(12L << 20);
        assertThatThrownBy(() -> QueryCost.bytes("12 parsecs")).hasMessageContaining("data size");
        assertThatThrownBy(() -> QueryCost.millis("")).hasMessageContaining("duration");
    }

    @Test
    void sumsEveryStageButTheRoot()
            throws Exception
    {
        String json = """
                {"queryId": "q", "finalQueryInfo": true,
                 "queryStats": {"totalCpuTime": "3.25s", "outputDataSize": "1kB"},
                 "stages": {"outputStageId": "q.0", "stages": [
                   {"stageId": "q.0", "stageStats": {"outputDataSize": "5MB"}},
                   {"stageId": "q.1", "stageStats": {"outputDataSize": "2MB"}},
                   {"stageId": "q.2", "stageStats": {"outputDataSize": "512kB"}}]}}
                """;
        QueryCost cost = QueryCost.fromQueryInfo(new ObjectMapper().readTree(json));
        assertThat(cost.cpuMillis()).isEqualTo(3250);
        assertThat(cost.exchangedBytes()).isEqualTo((2L << 20) + (512L << 10));
    }
}
