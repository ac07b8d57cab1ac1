package io.trinospot.watcher.trino;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The planner's estimates as the agent reads them from a coordinator's QueryInfo. The answer below keeps the shape of
 * Trino 483's {@code GET /v1/query/{queryId}} for a running query (fields trimmed; the plan's tree and JSON text, the
 * symbol statistics and the task statistics are what the reader skips).
 */
class TestQueryEstimates
{
    static final String QUERY_INFO = """
            {"queryId":"20261203_104210_00082_n7r5v","session":{"user":"admin","catalogProperties":{}},"state":"RUNNING",
             "query":"SELECT ...","queryStats":{"elapsedTime":"12.00s","progressPercentage":8.7},
             "stages":{"outputStageId":"20261203_104210_00082_n7r5v.0","stages":[
               {"stageId":"20261203_104210_00082_n7r5v.0","state":"RUNNING",
                "plan":{"id":"0","root":{"@type":"output","id":"26","source":{"@type":"exchange","id":"24"}},
                        "statsAndCosts":{"stats":{"26":{"outputRowCount":"NaN","symbolStatistics":{}},"24":{"outputRowCount":5.0}},"costs":{"26":{"cpuCost":1.0}}},
                        "jsonRepresentation":"{\\"id\\":\\"26\\",\\"name\\":\\"Output\\"}"},
                "tasks":[{"taskStatus":{"taskId":"20261203_104210_00082_n7r5v.0.0.0","state":"RUNNING"},"stats":{"pipelines":[]}}],
                "subStages":["20261203_104210_00082_n7r5v.1"]},
               {"stageId":"20261203_104210_00082_n7r5v.1","state":"RUNNING",
                "plan":{"id":"1","root":{"@type":"aggregation","id":"641","source":{"@type":"tableScan","id":"0"}},
                        "statsAndCosts":{"stats":{"0":{"outputRowCount":11745000.0,
                                                       "symbolStatistics":{"1|integer|inv_item_sk":{"lowValue":1.0,"highValue":18000.0,"nullsFraction":0.0,"averageRowSize":"NaN","distinctValuesCount":17873.0}}},
                                                  "641":{"outputRowCount":11902502.250203658}},
                                         "costs":{}},
                        "jsonRepresentation":"{}"},
                "stageStats":{"totalTasks":2,"totalDrivers":6},
                "tasks":[{"taskStatus":{"taskId":"20261203_104210_00082_n7r5v.1.0.0","state":"FAILED"},"stats":{"pipelines":[{"pipelineId":0,"drivers":[]}]}},
                         {"taskStatus":{"taskId":"20261203_104210_00082_n7r5v.1.0.1","state":"RUNNING"},"stats":{}}],
                "subStages":[]},
               {"stageId":"20261203_104210_00082_n7r5v.2","state":"RUNNING",
                "plan":{"statsAndCosts":{"stats":{"5":{"outputRowCount":73049.0}}}},
                "tasks":[{"taskStatus":{"taskId":"20261203_104210_00082_n7r5v.2.0.0"}},{"taskStatus":{"taskId":"20261203_104210_00082_n7r5v.2.1.0"}}]}]},
             "warnings":[],"retryPolicy":"TASK","pruned":false}
            """;

    private final StubCoordinator coordinator = new StubCoordinator();

    @AfterEach
    void stop()
    {
        coordinator.close();
    }

    private void answerWith(int status, String json)
    {
        coordinator.answers(request -> new StubCoordinator.Reply(status, json));
    }

    private CoordinatorClient client()
    {
        return coordinator.client(Optional.empty());
    }

    @Test
    void readsEachStagesRowEstimatesAndPartitions()
            throws Exception
    {
        answerWith(200, QUERY_INFO);
        QueryEstimates estimates = client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5));
        assertThat(coordinator.requests()).containsExactly(new StubCoordinator.Request("GET", "/v1/query/20261203_104210_00082_n7r5v", "trino-spot-watcher", ""));
        // stage 1: one partition (a failed attempt and its retry), its table scan expected to read 11,745,000 rows
        assertThat(estimates.stages().get(1)).isEqualTo(new QueryEstimates.Stage(1, java.util.Map.of("0", 11745000.0, "641", 11902502.250203658)));
        assertThat(estimates.scanRowsOfOnlyTask(1, "0")).isEqualTo(OptionalDouble.of(11745000.0));
        // unknown estimates ("NaN") are left out; a node of another stage is not this stage's
        assertThat(estimates.stages().get(0).rowsByPlanNode()).containsOnlyKeys("24");
        assertThat(estimates.scanRowsOfOnlyTask(1, "5")).isEmpty();
        // stage 2 has two partitions: a task's share of its scan is not known
        assertThat(estimates.stages().get(2).partitions()).isEqualTo(2);
        assertThat(estimates.scanRowsOfOnlyTask(2, "5")).isEmpty();
        assertThat(estimates.scanRowsOfOnlyTask(7, "0")).as("no such stage").isEmpty();
    }

    @Test
    void aRefusedOrUnknownQueryIsAnErrorNamingTheRequest()
    {
        answerWith(403, "{}");
        assertThatThrownBy(() -> client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("/v1/query/20261203_104210_00082_n7r5v")
                .hasMessageContaining("answered 403 (user trino-spot-watcher may not see that query)");
        answerWith(404, "{}");
        assertThatThrownBy(() -> client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("answered 404");
    }

    @Test
    void anAnswerThatIsNotAQueryInfoIsAnError()
    {
        answerWith(200, "[1,2,3]");
        assertThatThrownBy(() -> client().queryEstimates("q", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("unreadable QueryInfo: expected a QueryInfo object");
        // cut short inside the stages' array
        answerWith(200, QUERY_INFO.substring(0, QUERY_INFO.indexOf("\"tasks\":[{\"taskStatus\":{\"taskId\":\"20261203_104210_00082_n7r5v.1.0.0\"") + 10));
        assertThatThrownBy(() -> client().queryEstimates("q", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("GET http://127.0.0.1:");
    }
}
