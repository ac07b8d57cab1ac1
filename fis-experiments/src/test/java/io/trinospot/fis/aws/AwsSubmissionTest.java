package io.trinospot.fis.aws;

import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), _ -> {}, Duration.ofSeconds(5),
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
            ExperimentStatus result = new AwsExperimentRunner(client(server), Clock.systemUTC(), _ -> {}, Duration.ofSeconds(5), Duration.ofHours(1),
                    () -> "t", progress::add).run(blogTemplateWithRole());
            assertThat(result.isTerminal()).isTrue();
            assertThat(result.isCompleted()).isFalse();
            assertThat(progress).endsWith("experiment EXPz9y8x7w6v5: failed (Target resolution returned empty set)");
        }
    }

    @Test
    void serviceErrorsBecomeOneLine()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.fail(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.fis/", "{\"message\":\"Role arn is invalid\\n or missing\"}");
            AwsExperimentRunner runner = AwsExperimentRunner.standard(client(server), _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("POST /experimentTemplates failed: ValidationException: Role arn is invalid or missing (HTTP 400)");
        }
    }

    @Test
    void anExperimentThatOutlivesTheTimeoutIsReported()
            throws Exception
    {
        try (FakeFisServer server = new FakeFisServer()) {
            server.answer(TEMPLATE_CREATED).answer(experiment("running", null, "running"))
                    .answer(experiment("running", null, "running")).answer(experiment("running", null, "running"));
            MutableClock clock = new MutableClock();
            AwsExperimentRunner runner = new AwsExperimentRunner(client(server), clock, duration -> clock.now = clock.now.plus(duration),
                    Duration.ofSeconds(40), Duration.ofMinutes(1), () -> "t", _ -> {});
            assertThatThrownBy(() -> runner.run(blogTemplateWithRole()))
                    .isInstanceOf(FisException.class)
                    .hasMessage("experiment EXPz9y8x7w6v5 still running after PT1M; it keeps running on AWS");
        }
    }

    @Test
    void unreachableEndpointIsAFisException()
    {
        SignedFisClient client = new SignedFisClient(java.net.URI.create("http://127.0.0.1:1"), FakeFisServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeFisServer.ACCESS_KEY, FakeFisServer.SECRET_KEY)));
        assertThatThrownBy(() -> client.getExperiment("EXP1")).isInstanceOf(FisException.class).hasMessageStartingWith("GET http://127.0.0.1:1/experiments/EXP1: ");
    }

    // ---- helpers ----

    private static final class MutableClock
            extends Clock
    {
        private Instant now = Instant.EPOCH;

        @Override
        public Instant instant()
        {
            return now;
        }

        @Override
        public ZoneOffset getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone)
        {
            return this;
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
