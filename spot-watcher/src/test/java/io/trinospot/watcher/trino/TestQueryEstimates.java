package io.trinospot.watcher.trino;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trinospot.watcher.config.CoordinatorSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private final List<String> paths = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int status = 200;

    @BeforeEach
    void start()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/query/", this::answer);
        server.start();
    }

    @AfterEach
    void stop()
    {
        server.stop(0);
    }

    private void answer(HttpExchange exchange)
            throws IOException
    {
        paths.add(exchange.getRequestURI().getPath() + " as " + exchange.getRequestHeaders().getFirst("X-Trino-User"));
        byte[] body = (status == 200 ? QUERY_INFO : "{\"error\":\"no\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private CoordinatorClient client()
    {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new CoordinatorClient(uri, "trino-spot-watcher", "worker-1", Duration.ofSeconds(5), CoordinatorSecurity.NONE, Optional.empty());
    }

    @Test
    void readsEachStagesRowEstimatesAndPartitions()
            throws Exception
    {
        QueryEstimates estimates = client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5));
        assertThat(paths).containsExactly("/v1/query/20261203_104210_00082_n7r5v as trino-spot-watcher");
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
        status = 403;
        assertThatThrownBy(() -> client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("/v1/query/20261203_104210_00082_n7r5v")
                .hasMessageContaining("answered 403 (user trino-spot-watcher may not see that query)");
        status = 404;
        assertThatThrownBy(() -> client().queryEstimates("20261203_104210_00082_n7r5v", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("answered 404");
    }

    @Test
    void anAnswerThatIsNotAQueryInfoIsAnError()
    {
        answerWith("[1,2,3]");
        assertThatThrownBy(() -> client().queryEstimates("q", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("unreadable QueryInfo: expected a QueryInfo object");
        // cut short inside the stages' array
        answerWith(QUERY_INFO.substring(0, QUERY_INFO.indexOf("\"tasks\":[{\"taskStatus\":{\"taskId\":\"20261203_104210_00082_n7r5v.1.0.0\"") + 10));
        assertThatThrownBy(() -> client().queryEstimates("q", Duration.ofSeconds(5)))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("GET http://127.0.0.1:");
    }

    private void answerWith(String text)
    {
        server.removeContext("/v1/query/");
        server.createContext("/v1/query/", exchange -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }
}
