package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.FakeTrinoWorker;
import io.trinospot.watcher.testing.TricklingPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class TestTrinoWorkerClient
{
    // The shape of one TaskInfo from GET /v1/task, trimmed to the fields that matter here.
    private static final String TASKS = """
            [{"taskStatus":{"taskId":"20261122_100000_00001_abcde.1.0.0","state":"RUNNING","self":"http://127.0.0.1/v1/task/x"},
              "stats":{"createTime":"2026-11-22T09:59:50.000Z","firstStartTime":"2026-11-22T09:59:51.500Z","lastStartTime":"2026-11-22T09:59:53.250Z","elapsedTime":"10.00s",
                       "totalDrivers":12,"queuedDrivers":2,"runningDrivers":4,"blockedDrivers":1,"completedDrivers":6}},
             {"taskStatus":{"taskId":"20261122_100000_00001_abcde.2.3.1","state":"FINISHED"},
              "stats":{"createTime":1795341590.5,"elapsedTime":"1.50m","totalDrivers":3,"completedDrivers":3}}]
            """;

    private FakeTrinoWorker worker;
    private TrinoWorkerClient client;

    @BeforeEach
    void setUp()
            throws Exception
    {
        worker = new FakeTrinoWorker("cluster-secret");
        client = new TrinoWorkerClient(URI.create("http://127.0.0.1:" + worker.port()), "cluster-secret", "REMOTE_HOST_GONE",
                Duration.ofSeconds(5), InstantSource.system());
    }

    @AfterEach
    void tearDown()
    {
        worker.close();
    }

    @Test
    void setsStateAsJsonString()
            throws Exception
    {
        client.setState(NodeState.SHUTTING_DOWN);
        client.setState(NodeState.DRAINING);
        client.setState(NodeState.ACTIVE);
        assertThat(worker.states).containsExactly("SHUTTING_DOWN", "DRAINING", "ACTIVE");
        assertThat(worker.unauthorized).isZero();
    }

    @Test
    void readsTasks()
            throws Exception
    {
        worker.taskListJson = TASKS;
        List<TaskSnapshot> tasks = client.tasks();
        assertThat(worker.taskListQueries).as("summarized list: no per-pipeline statistics").containsExactly("summarize");
        assertThat(tasks).hasSize(2);
        TaskSnapshot running = tasks.getFirst();
        assertThat(running.taskId()).isEqualTo("20261122_100000_00001_abcde.1.0.0");
        assertThat(running.state()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).contains(Instant.parse("2026-11-22T09:59:51.500Z"));
        assertThat(running.lastDriverStartedAt()).contains(Instant.parse("2026-11-22T09:59:53.250Z"));
        assertThat(running.elapsed()).isEqualTo(Duration.ofSeconds(10));
        assertThat(running.totalDrivers()).isEqualTo(12);
        assertThat(running.completedDrivers()).isEqualTo(6);
        assertThat(running.isDone()).isFalse();
        TaskSnapshot finished = tasks.get(1);
        assertThat(finished.isDone()).isTrue();
        assertThat(finished.startedAt()).contains(Instant.ofEpochMilli(1795341590500L));
        assertThat(finished.elapsed()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void readsOneTaskWithItsPipelines()
            throws Exception
    {
        // A running task's TaskInfo, not summarized: stats.pipelines with each pipeline's operator summaries and
        // running drivers (trimmed here), which the client skips.
        worker.taskListJson = """
                [{"taskStatus":{"taskId":"20261122_100000_00001_abcde.1.0.0","state":"RUNNING"},
                  "stats":{"firstStartTime":"2026-11-22T09:59:51.500Z","elapsedTime":"10.00s","totalDrivers":28,"completedDrivers":24,
                           "pipelines":[
                             {"pipelineId":0,"firstStartTime":"2026-11-22T09:59:52.000Z","lastStartTime":"2026-11-22T09:59:52.100Z","lastEndTime":null,
                              "inputPipeline":true,"outputPipeline":true,"totalDrivers":4,"queuedDrivers":0,"queuedPartitionedDrivers":0,
                              "runningDrivers":4,"blockedDrivers":0,"completedDrivers":0,"processedInputPositions":26381,
                              "operatorSummaries":[{"stageId":1,"pipelineId":0,"operatorId":0,"planNodeId":"43","sourceId":"0",
                                                    "operatorType":"ScanFilterAndProjectOperator","inputPositions":26381},
                                                   {"operatorId":1,"planNodeId":"237","sourceId":null,"operatorType":"AggregationOperator"}],
                              "drivers":[{"createTime":"2026-11-22T09:59:52.000Z","operatorStats":[{"operatorType":"X"}]}]},
                             {"pipelineId":1,"firstStartTime":"2026-11-22T09:59:51.500Z","lastStartTime":"2026-11-22T09:59:51.600Z",
                              "inputPipeline":true,"outputPipeline":false,"totalDrivers":24,"queuedDrivers":0,"completedDrivers":24,
                              "operatorSummaries":[],"drivers":[]},
                             {"pipelineId":2,"inputPipeline":false,"totalDrivers":0,"completedDrivers":0}]}}]
                """;
        TaskSnapshot task = client.task("20261122_100000_00001_abcde.1.0.0").orElseThrow();
        assertThat(worker.taskReads).as("not summarized: summarizing drops a running task's pipelines").containsExactly("20261122_100000_00001_abcde.1.0.0?null");
        assertThat(task.state()).isEqualTo("RUNNING");
        assertThat(task.completedDrivers()).isEqualTo(24);
        assertThat(task.pipelines()).containsExactly(
                // the scan's plan node is its source operator's sourceId; the rows read are the pipeline's
                new PipelineProgress(0, true, 4, 0, 0, Optional.of(Instant.parse("2026-11-22T09:59:52.000Z")), Optional.of(Instant.parse("2026-11-22T09:59:52.100Z")),
                        26381, Optional.of("0"), OptionalDouble.empty()),
                new PipelineProgress(1, true, 24, 0, 24, Optional.of(Instant.parse("2026-11-22T09:59:51.500Z")), Optional.of(Instant.parse("2026-11-22T09:59:51.600Z"))),
                new PipelineProgress(2, false, 0, 0, 0, Optional.empty(), Optional.empty()));
        assertThat(client.task("20261122_100000_00001_abcde.9.0.0")).as("a task the worker no longer has").isEmpty();
    }

    @Test
    void failsTaskWithRetryableSpotError()
            throws Exception
    {
        assertThat(client.failTask("20261122_100000_00001_abcde.1.0.0", "Spot interruption: going away")).isEqualTo("FAILED");
        assertThat(worker.failedTaskIds).containsExactly("20261122_100000_00001_abcde.1.0.0");
        JsonNode failure = worker.failures.getFirst().get("failureInfo");
        assertThat(failure.get("message").asText()).contains("Spot interruption");
        assertThat(failure.get("errorCode").get("name").asText()).isEqualTo("REMOTE_HOST_GONE");
        assertThat(failure.get("errorCode").get("code").asInt()).isEqualTo(65558);
        assertThat(failure.get("errorCode").get("type").asText()).isEqualTo("INTERNAL_ERROR");
    }

    @Test
    void failsTaskAsPreemptedWhichTheSchedulerRetriesWithoutItsPause()
            throws Exception
    {
        TrinoWorkerClient preempting = new TrinoWorkerClient(URI.create("http://127.0.0.1:" + worker.port()), "cluster-secret", "ADMINISTRATIVELY_PREEMPTED",
                Duration.ofSeconds(5), InstantSource.system());
        assertThat(preempting.failTask("20261122_100000_00001_abcde.1.0.0", "Spot interruption: going away")).isEqualTo("FAILED");
        JsonNode errorCode = worker.failures.getFirst().get("failureInfo").get("errorCode");
        assertThat(errorCode.get("name").asText()).isEqualTo("ADMINISTRATIVELY_PREEMPTED");
        assertThat(errorCode.get("code").asInt()).isEqualTo(131080);
        assertThat(errorCode.get("type").asText()).isEqualTo("INSUFFICIENT_RESOURCES");
        assertThat(errorCode.get("fatal").asBoolean()).isFalse();
    }

    @Test
    void failingATaskThatAlreadyFinishedReportsItsState()
            throws Exception
    {
        worker.finishedTaskIds.add("20261122_100000_00001_abcde.2.3.0");
        assertThat(client.failTask("20261122_100000_00001_abcde.2.3.0", "Spot interruption: going away")).isEqualTo("FINISHED");
    }

    @Test
    void wrongSecretIsReportedClearly()
    {
        TrinoWorkerClient wrong = new TrinoWorkerClient(URI.create("http://127.0.0.1:" + worker.port()), "other-secret", "GENERIC_INTERNAL_ERROR",
                Duration.ofSeconds(5), InstantSource.system());
        assertThatThrownBy(() -> wrong.setState(NodeState.SHUTTING_DOWN))
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("shared secret");
        assertThat(worker.states).isEmpty();
    }

    @Test
    void garbageTaskListIsAnError()
    {
        worker.taskListJson = "{\"not\":\"a list\"}";
        assertThatThrownBy(client::tasks).isInstanceOf(TrinoWorkerException.class);
    }

    @Test
    void largeTaskInfoIsReadAsAStream()
            throws Exception
    {
        // Real TaskInfo as Trino 483 writes it: nanosecond ISO times, big nested pipeline statistics, a status
        // object with nested fields before the ones we read. Thousands of such tasks must not need a big heap.
        String pipelines = "[" + String.join(",", java.util.Collections.nCopies(200,
                "{\"pipelineId\":0,\"operatorSummaries\":[{\"operatorType\":\"ScanFilterAndProjectOperator\",\"info\":{\"a\":[1,2,{\"b\":\"x\"}]}}],\"drivers\":[]}")) + "]";
        String one = """
                {"taskStatus":{"outputBufferStatus":{"overutilized":false,"exchangeSinkInstanceHandleUpdateRequired":false},"taskId":"q.%d.0.0","state":"RUNNING","failures":[]},
                 "outputBuffers":{"type":"PARTITIONED","state":"OPEN","pages":[1,2,3]},
                 "stats":{"pipelines":%s,"createTime":"2026-11-22T00:48:45.197039879Z","firstStartTime":"2026-11-22T00:48:46.000000001Z",
                          "elapsedTime":"2.00s","totalDrivers":24,"completedDrivers":15,"runningDrivers":9,"queuedDrivers":0,"blockedDrivers":0},
                 "needsPlan":false}""";
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            json.append(i == 0 ? "" : ",").append(one.formatted(i, pipelines));
        }
        json.append("]");
        worker.taskListJson = json.toString();

        List<TaskSnapshot> tasks = client.tasks();

        assertThat(tasks).hasSize(300);
        TaskSnapshot first = tasks.getFirst();
        assertThat(first.taskId()).isEqualTo("q.0.0.0");
        assertThat(first.state()).isEqualTo("RUNNING");
        assertThat(first.startedAt()).contains(Instant.parse("2026-11-22T00:48:46.000000001Z"));
        assertThat(first.totalDrivers()).isEqualTo(24);
        assertThat(first.completedDrivers()).isEqualTo(15);
        assertThat(first.runningDrivers()).isEqualTo(9);
    }

    @Test
    void tricklingWorkerCannotHoldACallPastItsRequestTimeout()
            throws Exception
    {
        // Real time on a real socket: a space every 20 ms keeps each read well within 200 ms.
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[", (byte) ' ',
                Duration.ofMillis(20))) {
            TrinoWorkerClient slow = new TrinoWorkerClient(peer.uri(), "cluster-secret", "REMOTE_HOST_GONE", Duration.ofMillis(200), InstantSource.system());
            CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(slow::tasks));
            // Bounded only to turn a hang into a failure.
            assertThat(call.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(TrinoWorkerException.class)
                    .hasMessageContaining("no answer within 200 ms");
            peer.awaitClosedByClient();
        }
    }

    @Test
    void airliftDurations()
    {
        assertThat(TrinoWorkerClient.duration("12.50ms")).isEqualTo(Duration.ofNanos(12_500_000));
        assertThat(TrinoWorkerClient.duration("2.00h")).isEqualTo(Duration.ofHours(2));
        assertThat(TrinoWorkerClient.duration("junk")).isEqualTo(Duration.ZERO);
    }
}
