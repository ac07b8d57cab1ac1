package io.trinospot.fis.aws;

import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import io.trinospot.harness.imds.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsSubmissionTest
{
    private static final String TEMPLATE_CREATED = """
            {"experimentTemplate": {"id": "EXTa1b2c3d4e5f6", "description": "EMR_Trino_Interrupter", "creationTime": 1795305600.0,
              "targets": {}, "actions": {}, "stopConditions": [{"source": "none"}], "roleArn": "arn:aws:iam::123456789012:role/FisSpotRole"}}
            """;

    @Test
    void createsStartsAndFollowsTheBlogExperimentToCompletion()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED)
                    .answer(experiment("initiating", "Experiment is initiating.", "pending"))
                    .answer(experiment("running", null, "running"))
                    .answer(experiment("running", null, "running"))
                    .answer(experiment("completed", "Experiment completed.", "completed"));
            List<String> progress = new ArrayList<>();
            AtomicInteger tokens = new AtomicInteger();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), _ -> {}, Duration.ofSeconds(5),
                    Duration.ofHours(1), () -> "token-" + tokens.incrementAndGet(), progress::add);

            ExperimentStatus result = runner.run(blogTemplateWithRole());

            assertThat(result.isCompleted()).isTrue();
            assertThat(progress).containsExactly(
                    "created experiment template EXTa1b2c3d4e5f6",
                    "started experiment EXPz9y8x7w6v5: initiating (Experiment is initiating.)",
                    "action InterruptSpotNodes: running",
                    "experiment EXPz9y8x7w6v5: running",
                    "action InterruptSpotNodes: completed",
                    "experiment EXPz9y8x7w6v5: completed (Experiment completed.)");

            List<FakeFisServer.Request> requests = server.requests();
            assertThat(requests).extracting(request -> request.method() + " " + request.path()).containsExactly(
                    "POST /experimentTemplates",
                    "POST /experiments",
                    "GET /experiments/EXPz9y8x7w6v5",
                    "GET /experiments/EXPz9y8x7w6v5",
                    "GET /experiments/EXPz9y8x7w6v5");
            // every request carries a SigV4 signature that our own implementation of the algorithm accepts
            assertThat(requests).allSatisfy(request -> {
                assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=" + FakeFisServer.ACCESS_KEY + "/");
                assertThat(request.signedHeaders()).contains("host").contains("x-amz-date");
                assertThat(request.signatureValid()).as("signature of %s %s", request.method(), request.path()).isTrue();
            });

            FakeFisServer.Request create = requests.getFirst();
            assertThat(create.contentType()).isEqualTo("application/json");
            assertThat(create.body().path("clientToken").asText()).isEqualTo("token-1");
            assertThat(create.body().path("description").asText()).startsWith("EMR_Trino_Interrupter");
            assertThat(create.body().path("roleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/FisSpotRole");
            assertThat(create.body().at("/targets/TrinoSpotNodes/resourceType").asText()).isEqualTo("aws:ec2:spot-instance");
            assertThat(create.body().at("/targets/TrinoSpotNodes/resourceTags/Name").asText()).isEqualTo("MyTrinoCluster");
            assertThat(create.body().at("/targets/TrinoSpotNodes/selectionMode").asText()).isEqualTo("ALL");
            assertThat(create.body().at("/actions/InterruptSpotNodes/actionId").asText()).isEqualTo("aws:ec2:send-spot-instance-interruptions");
            assertThat(create.body().at("/actions/InterruptSpotNodes/parameters/durationBeforeInterruption").asText()).isEqualTo("PT2M");
            assertThat(create.body().at("/stopConditions/0/source").asText()).isEqualTo("none");

            FakeFisServer.Request start = requests.get(1);
            assertThat(start.body().path("experimentTemplateId").asText()).isEqualTo("EXTa1b2c3d4e5f6");
            assertThat(start.body().path("clientToken").asText()).isEqualTo("token-2");
            assertThat(requests.get(2).body()).isNull();
        }
    }

    @Test
    void aFailedExperimentEndsWithItsReason()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED)
                    .answer(experiment("initiating", null, "pending"))
                    .answer(experiment("failed", "Target resolution returned empty set", "cancelled"));
            List<String> progress = new ArrayList<>();
            ExperimentStatus result = new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), _ -> {}, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "t", progress::add).run(blogTemplateWithRole());
            assertThat(result.isTerminal()).isTrue();
            assertThat(result.isCompleted()).isFalse();
            assertThat(progress).endsWith("experiment EXPz9y8x7w6v5: failed (Target resolution returned empty set)");
        }
    }

    @Test
    void serviceErrorsBecomeOneLineAndAreNotRetried()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.fail(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.fis/", "{\"message\":\"Role arn is invalid\\n or missing\"}");
            Sleeps sleeps = new Sleeps();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), sleeps.clock, sleeps, Duration.ofSeconds(5), Duration.ofHours(1), () -> "t", _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("POST /experimentTemplates failed: ValidationException: Role arn is invalid or missing (HTTP 400)");
            assertThat(server.requests()).hasSize(1);
            assertThat(sleeps.all).isEmpty();
        }
    }

    @Test
    void aQuotaErrorIsNotRetried()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED)
                    .fail(402, "ServiceQuotaExceededException", "{\"message\":\"You have exceeded your service quota.\"}");
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), _ -> {}, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "t", _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("POST /experiments failed: ServiceQuotaExceededException: You have exceeded your service quota. (HTTP 402)");
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void aTemplateWithoutTargetsIsSubmittedWithoutThem()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED)
                    .answer(experiment("completed", null, "completed"));
            ExperimentTemplate template = TemplateReader.parse("""
                    {"description": "pause", "actions": {"Pause": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
                     "stopConditions": [{"source": "none"}], "roleArn": "arn:aws:iam::123456789012:role/FisSpotRole"}
                    """, TemplateValidator.RoleArn.REQUIRED);
            ExperimentStatus result = new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), _ -> {}, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "t", _ -> {}).run(template);

            assertThat(result.isCompleted()).isTrue();
            FakeFisServer.Request create = server.requests().getFirst();
            assertThat(create.body().has("targets")).as("request body %s", create.body()).isFalse();
            assertThat(create.body().at("/actions/Pause/actionId").asText()).isEqualTo("aws:fis:wait");
        }
    }

    @Test
    void theTemplatesOwnClientTokenIsSentAsWritten()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED)
                    .answer(experiment("completed", null, "completed"));
            String json = blogTemplateWithRole().json().deepCopy().put("clientToken", "blog-template-7").toString();
            AtomicInteger tokens = new AtomicInteger();
            new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), _ -> {}, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "token-" + tokens.incrementAndGet(), _ -> {}).run(TemplateReader.parse(json, TemplateValidator.RoleArn.REQUIRED));

            List<FakeFisServer.Request> requests = server.requests();
            assertThat(requests.get(0).body().path("clientToken").asText()).isEqualTo("blog-template-7");
            // StartExperiment has a token of its own, made by the runner
            assertThat(requests.get(1).body().path("clientToken").asText()).isEqualTo("token-1");
            assertThat(tokens).hasValue(1);
        }
    }

    @Test
    void throttledAndFailedCallsAreSentAgainWithTheSameTokenAfterABackoff()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.fail(429, "TooManyRequestsException", "{\"message\":\"Too Many Requests\"}")
                    .answer(TEMPLATE_CREATED)
                    .unavailable()
                    .answer(experiment("initiating", null, "pending"))
                    .throttle()
                    .fail(500, "InternalServerException", "{\"message\":\"Internal failure\"}")
                    .answer(experiment("completed", null, "completed"));
            Sleeps sleeps = new Sleeps();
            List<String> progress = new ArrayList<>();
            AtomicInteger tokens = new AtomicInteger();
            ExperimentStatus result = new AwsExperimentRunner(client(server), sleeps.clock, sleeps, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "token-" + tokens.incrementAndGet(), progress::add).run(blogTemplateWithRole());

            assertThat(result.isCompleted()).isTrue();
            List<FakeFisServer.Request> requests = server.requests();
            assertThat(requests).extracting(request -> request.method() + " " + request.path() + " " + (request.body() == null ? "" : request.body().path("clientToken").asText())).containsExactly(
                    "POST /experimentTemplates token-1",
                    "POST /experimentTemplates token-1",
                    "POST /experiments token-2",
                    "POST /experiments token-2",
                    "GET /experiments/EXPz9y8x7w6v5 ",
                    "GET /experiments/EXPz9y8x7w6v5 ",
                    "GET /experiments/EXPz9y8x7w6v5 ");
            assertThat(requests).allSatisfy(request -> assertThat(request.signatureValid()).isTrue());
            // 1 s before each call's first retry, 2 s before its second; the 5 s are the poll interval
            assertThat(sleeps.all).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(progress).contains(
                    "CreateExperimentTemplate attempt 1 of 5 failed, retrying in 1 s: POST /experimentTemplates failed: TooManyRequestsException: Too Many Requests (HTTP 429)",
                    "StartExperiment attempt 1 of 5 failed, retrying in 1 s: POST /experiments failed: ServiceUnavailableException: Service is unavailable, try again later (HTTP 503)",
                    "GetExperiment attempt 1 of 5 failed, retrying in 1 s: GET /experiments/EXPz9y8x7w6v5 failed: ThrottlingException: Rate exceeded (HTTP 400)",
                    "GetExperiment attempt 2 of 5 failed, retrying in 2 s: GET /experiments/EXPz9y8x7w6v5 failed: InternalServerException: Internal failure (HTTP 500)");
        }
    }

    @Test
    void aPollThatKeepsFailingGivesUpAndStopsTheExperiment()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED).answer(experiment("running", null, "running"));
            for (int i = 0; i < 5; i++) {
                server.unavailable();
            }
            server.answer(experiment("stopping", "Experiment is stopping.", "stopping"));
            Sleeps sleeps = new Sleeps();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), sleeps.clock, sleeps, Duration.ofSeconds(5), Duration.ofHours(1), () -> "t", _ -> {});

            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("GET /experiments/EXPz9y8x7w6v5 failed: ServiceUnavailableException: Service is unavailable, try again later (HTTP 503), 5 attempts; "
                            + "sent StopExperiment, experiment EXPz9y8x7w6v5 is now stopping (Experiment is stopping.)");
            assertThat(sleeps.all).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
            FakeFisServer.Request stop = server.requests().getLast();
            assertThat(stop.method() + " " + stop.path()).isEqualTo("DELETE /experiments/EXPz9y8x7w6v5");
            assertThat(stop.body()).isNull();
            assertThat(stop.signatureValid()).isTrue();
        }
    }

    @Test
    void anExperimentThatOutlivesTheTimeoutIsStopped()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED).answer(experiment("running", null, "running"))
                    .answer(experiment("running", null, "running")).answer(experiment("running", null, "running"))
                    .answer(experiment("stopping", null, "stopping"));
            Sleeps sleeps = new Sleeps();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), sleeps.clock, sleeps, Duration.ofSeconds(40), Duration.ofMinutes(1), () -> "t", _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("experiment EXPz9y8x7w6v5 still running after PT1M; sent StopExperiment, experiment EXPz9y8x7w6v5 is now stopping");
            assertThat(server.requests()).extracting(request -> request.method() + " " + request.path()).endsWith(
                    "GET /experiments/EXPz9y8x7w6v5", "DELETE /experiments/EXPz9y8x7w6v5");
        }
    }

    @Test
    void anInterruptedRunStopsTheExperiment()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED).answer(experiment("running", null, "running"))
                    .answer(experiment("stopping", null, "stopping"));
            // Ctrl-C reaches the runner as an interrupt while it waits between polls
            PlanPlayer.Sleeper interrupted = _ -> {
                throw new InterruptedException();
            };
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), new ManualClock(Instant.EPOCH), interrupted, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "t", _ -> {});
            try {
                assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                        .isInstanceOf(FisException.class)
                        .hasMessage("interrupted while following experiment EXPz9y8x7w6v5; sent StopExperiment, experiment EXPz9y8x7w6v5 is now stopping");
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
            }
            finally {
                Thread.interrupted();
            }
            FakeFisServer.Request stop = server.requests().getLast();
            assertThat(stop.method() + " " + stop.path()).isEqualTo("DELETE /experiments/EXPz9y8x7w6v5");
        }
    }

    @Test
    void aStopThatFailsSaysTheExperimentMayStillRun()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED).answer(experiment("running", null, "running"))
                    .answer(experiment("running", null, "running"))
                    .fail(404, "ResourceNotFoundException", "{\"message\":\"Experiment not found.\"}");
            Sleeps sleeps = new Sleeps();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), sleeps.clock, sleeps, Duration.ofSeconds(40), Duration.ofSeconds(30), () -> "t", _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("experiment EXPz9y8x7w6v5 still running after PT30S; could not stop experiment EXPz9y8x7w6v5, it may still be running on AWS: "
                            + "DELETE /experiments/EXPz9y8x7w6v5 failed: ResourceNotFoundException: Experiment not found. (HTTP 404)");
        }
    }

    @Test
    void anErrorTypeInTheBodyCountsWhenTheHeaderIsMissing()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.fail(400, null, "{\"__type\":\"com.amazonaws.fis#ThrottlingException\",\"message\":\"Rate exceeded\"}");
            SignedFisClient client = client(server);
            assertThatThrownBy(() -> client.getExperiment("EXPz9y8x7w6v5"))
                    .isInstanceOfSatisfying(FisException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("GET /experiments/EXPz9y8x7w6v5 failed: ThrottlingException: Rate exceeded (HTTP 400)");
                        assertThat(e.kind()).isEqualTo(FisException.Kind.THROTTLED);
                    });
        }
    }

    @Test
    void unreachableEndpointIsATransientFisException()
    {
        SignedFisClient client = new SignedFisClient(URI.create("http://127.0.0.1:1"), FakeFisServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeFisServer.ACCESS_KEY, FakeFisServer.SECRET_KEY)));
        assertThatThrownBy(() -> client.getExperiment("EXP1"))
                .isInstanceOfSatisfying(FisException.class, e -> assertThat(e.kind()).isEqualTo(FisException.Kind.TRANSIENT))
                .hasMessageStartingWith("GET http://127.0.0.1:1/experiments/EXP1: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://fis.us-east-1.amazonaws.com", "https://10.0.0.5:8443", "http://127.0.0.1:9", "http://127.1.2.3", "http://[::1]:8080",
            "http://localhost:9", "http://LOCALHOST"})
    void signedRequestsGoOverHttpsOrToLoopback(String endpoint)
    {
        assertThat(SignedFisClient.endpointProblem(URI.create(endpoint))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://fis.us-east-1.amazonaws.com", "http://10.0.0.5:8080", "http://localhost.example.com", "http://127.0.0.1.nip.io",
            "http://[::ffff:10.0.0.5]", "http://128.0.0.1"})
    void plainHttpElsewhereIsRefused(String endpoint)
    {
        URI uri = URI.create(endpoint);
        assertThat(SignedFisClient.endpointProblem(uri)).contains(
                "http://" + uri.getHost() + " would send AWS credentials in clear: use https (plain http only to a loopback address: 127.0.0.0/8, ::1, localhost)");
        assertThatThrownBy(() -> new SignedFisClient(uri, FakeFisServer.REGION, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would send AWS credentials in clear");
    }

    @Test
    void anEndpointWithAPasswordIsRefusedWithoutShowingIt()
    {
        assertThat(SignedFisClient.endpointProblem(URI.create("https://user:hunter2@fis.us-east-1.amazonaws.com")))
                .contains("must not carry a user name or password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fis.us-east-1.amazonaws.com", "ftp://127.0.0.1/", "mailto:fis@example.com"})
    void anEndpointMustBeAnHttpUrl(String endpoint)
    {
        assertThat(SignedFisClient.endpointProblem(URI.create(endpoint))).contains("must be an absolute URL like https://host:port, got '" + endpoint + "'");
    }

    // ---- helpers ----

    /** Sleeps by moving a manual clock, and remembers each sleep. */
    private static final class Sleeps
            implements PlanPlayer.Sleeper
    {
        final ManualClock clock = new ManualClock(Instant.EPOCH);
        final List<Duration> all = new ArrayList<>();

        @Override
        public void sleep(Duration duration)
        {
            all.add(duration);
            clock.advance(duration);
        }
    }

    private static SignedFisClient client(FakeFisServer server)
    {
        return new SignedFisClient(server.endpoint(), FakeFisServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeFisServer.ACCESS_KEY, FakeFisServer.SECRET_KEY)));
    }

    private static String experiment(String status, String reason, String actionStatus)
    {
        return """
                {"experiment": {"id": "EXPz9y8x7w6v5", "experimentTemplateId": "EXTa1b2c3d4e5f6", "roleArn": "arn:aws:iam::123456789012:role/FisSpotRole",
                  "state": {"status": "%s"%s},
                  "targets": {"TrinoSpotNodes": {"resourceType": "aws:ec2:spot-instance", "resourceTags": {"Name": "MyTrinoCluster"}, "selectionMode": "ALL"}},
                  "actions": {"InterruptSpotNodes": {"actionId": "aws:ec2:send-spot-instance-interruptions", "parameters": {"durationBeforeInterruption": "PT2M"},
                    "targets": {"SpotInstances": "TrinoSpotNodes"}, "state": {"status": "%s"}}},
                  "stopConditions": [{"source": "none"}], "creationTime": 1795305600.0}}
                """.formatted(status, reason == null ? "" : ", \"reason\": \"" + reason + "\"", actionStatus);
    }

    static ExperimentTemplate blogTemplateWithRole()
            throws Exception
    {
        try (InputStream in = AwsSubmissionTest.class.getResourceAsStream("/templates/emr-trino-interrupter.json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceFirst("\\{", "{\n  \"roleArn\": \"arn:aws:iam::123456789012:role/FisSpotRole\",");
            return TemplateReader.parse(json, TemplateValidator.RoleArn.REQUIRED);
        }
    }
}
