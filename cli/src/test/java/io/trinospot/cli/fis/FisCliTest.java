package io.trinospot.cli.fis;

import io.trinospot.fis.aws.SignedFisClient;
import io.trinospot.fis.report.ReportJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FisCliTest
{
    private static final String INSTANCES = """
            [
              {"name": "coordinator", "tags": {"Name": "MyTrinoCluster", "aws:elasticmapreduce:instance-group-role": "MASTER"}, "lifecycle": "on-demand", "state": "running"},
              {"name": "core-1", "tags": {"Name": "MyTrinoCluster", "aws:elasticmapreduce:instance-group-role": "CORE"}, "lifecycle": "on-demand", "state": "running"},
              {"name": "spot-1", "tags": {"Name": "MyTrinoCluster", "aws:elasticmapreduce:instance-group-role": "TASK"}, "lifecycle": "spot", "state": "running"},
              {"name": "spot-2", "tags": {"Name": "MyTrinoCluster", "aws:elasticmapreduce:instance-group-role": "TASK"}, "lifecycle": "spot", "state": "running"}
            ]
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args)
    {
        return new FisCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                target -> new SignedFisClient(target.endpoint(), target.region(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(io.trinospot.fis.aws.FakeFisServerAccess.ACCESS_KEY,
                                io.trinospot.fis.aws.FakeFisServerAccess.SECRET_KEY)))).run(args);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void validatesShippedTemplatesByName()
    {
        assertThat(run("validate", "emr-trino-interrupter")).isEqualTo(FisCli.OK);
        assertThat(out()).isEqualTo("ok: emr-trino-interrupter is a valid FIS experiment template (1 target(s), 1 action(s))\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void invalidTemplatePrintsEveryProblemOnItsOwnLine()
            throws Exception
    {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"targets": {}, "actions": {"a": {"actionId": "aws:fis:wait", "parameters": {"duration": "1 minute"}}}, "stopConditions": []}
                """);
        assertThat(run("validate", file.toString())).isEqualTo(FisCli.FAILED);
        assertThat(err()).isEqualTo("""
                error: $.description: required
                error: $.actions.a.parameters.duration: not an ISO-8601 duration like PT2M: '1 minute'
                error: $.stopConditions: must be a non-empty array (use [{"source": "none"}] for none)
                fis: 3 problem(s) in the template
                """);
    }

    @Test
    void validateForAwsNeedsARole()
    {
        assertThat(run("validate", "one-random-spot-worker", "--aws")).isEqualTo(FisCli.FAILED);
        assertThat(err()).startsWith("error: $.roleArn: required to run on AWS (the IAM role FIS assumes)\n");
    }

    @Test
    void planPrintsSelectionStepsAndSeed()
            throws Exception
    {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, INSTANCES);
        assertThat(run("plan", "emr-trino-interrupter", "--instances", instances.toString(), "--seed", "5")).isEqualTo(FisCli.OK);
        assertThat(out()).isEqualTo("""
                plan: EMR_Trino_Interrupter: send a Spot interruption (2-minute notice) to every running Spot task node of the Trino cluster
                seed 5 (the same seed selects the same instances)
                target TrinoSpotNodes: spot-1, spot-2
                +PT0S     start            InterruptSpotNodes       -
                +PT0S     rebalance        InterruptSpotNodes       spot-1
                +PT0S     spot-notice      InterruptSpotNodes       spot-1 (interruption at +PT2M)
                +PT0S     rebalance        InterruptSpotNodes       spot-2
                +PT0S     spot-notice      InterruptSpotNodes       spot-2 (interruption at +PT2M)
                +PT2M     interrupt        InterruptSpotNodes       spot-1
                +PT2M     interrupt        InterruptSpotNodes       spot-2
                +PT2M     end              InterruptSpotNodes       -
                lasts PT2M, 6 step(s) on instances
                """);
    }

    @Test
    void seedMustBeANumber()
            throws Exception
    {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, INSTANCES);
        assertThat(run("plan", "one-random-spot-worker", "--instances", instances.toString(), "--seed", "abc")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: --seed must be a whole number, got 'abc'\n");
    }

    @Test
    void planErrorsAreOneLine()
            throws Exception
    {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, "[{\"name\": \"core-1\", \"lifecycle\": \"on-demand\", \"state\": \"running\"}]");
        assertThat(run("plan", "half-of-spot-workers", "--instances", instances.toString())).isEqualTo(FisCli.FAILED);
        assertThat(err()).isEqualTo("fis: target 'HalfOfSpotWorkers' identifies no instance (aws:ec2:spot-instance, tag Name=MyTrinoCluster, State.Name in [running])\n");
    }

    @Test
    void usageErrorsExitTwo()
    {
        assertThat(run("plan", "emr-trino-interrupter")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: 'plan' needs --instances\nusage:");
        err.reset();
        assertThat(run("plan", "emr-trino-interrupter", "--instances", "x")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: cannot read x: no such file\n");
        err.reset();
        assertThat(run("plan", "emr-trino-interrupter", "--instances", "--seed", "1")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: --instances needs a value\n");
        err.reset();
        assertThat(run("frobnicate")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: unknown command 'frobnicate'\n");
        err.reset();
        assertThat(run("validate", "emr-trino-interrupter", "--instances", "x")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: 'validate' does not take --instances\n");
        err.reset();
        assertThat(run("run", "emr-trino-interrupter")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: 'run' needs exactly one of --aws or --local\n");
        err.reset();
        assertThat(run("validate", "no-such-template")).isEqualTo(FisCli.USAGE);
        assertThat(err()).startsWith("fis: cannot read no-such-template: no such file, and not a shipped template (emr-trino-interrupter, ");
        err.reset();
        assertThat(run()).isEqualTo(FisCli.USAGE);
        assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void runLocalPointsToTheHarness()
    {
        assertThat(run("run", "emr-trino-interrupter", "--local")).isEqualTo(FisCli.FAILED);
        assertThat(err()).isEqualTo("fis: run --local starts a local Trino cluster and lives in the test-harness: run it as "
                + "./trino-spot fis run emr-trino-interrupter --local\n");
    }

    @Test
    void runAwsAgainstALocalEndpoint()
            throws Exception
    {
        Path template = dir.resolve("with-role.json");
        Files.writeString(template, io.trinospot.fis.aws.FakeFisServerAccess.blogTemplateWithRoleJson());
        try (var server = io.trinospot.fis.aws.FakeFisServerAccess.completingServer()) {
            assertThat(run("run", template.toString(), "--aws", "--region", "us-east-1", "--endpoint", server.endpoint())).isEqualTo(FisCli.OK);
            assertThat(out()).startsWith("running " + template + " on AWS FIS in us-east-1 (" + server.endpoint() + ")\n"
                    + "created experiment template EXTa1b2c3d4e5f6\n");
            assertThat(out()).endsWith("experiment EXPz9y8x7w6v5 completed\n");
            assertThat(server.signaturesValid()).isTrue();
        }
    }

    @Test
    void runAwsRefusesATemplateWithoutRoleBeforeCallingAnything()
    {
        assertThat(run("run", "emr-trino-interrupter", "--aws", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:1")).isEqualTo(FisCli.FAILED);
        assertThat(err()).startsWith("error: $.roleArn: required to run on AWS");
    }

    @Test
    void reportRendersHtmlFromJson()
            throws Exception
    {
        Path json = dir.resolve("report.json");
        Files.writeString(json, ReportJson.write(io.trinospot.fis.report.SampleReportsAccess.blogRun()));
        Path html = dir.resolve("report.html");
        assertThat(run("report", json.toString(), "--html", html.toString())).isEqualTo(FisCli.OK);
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline\"");
        Files.writeString(json, "{}");
        assertThat(run("report", json.toString(), "--html", html.toString())).isEqualTo(FisCli.FAILED);
        assertThat(err()).startsWith("fis: " + json + ": ").doesNotContain("\n\tat");
    }

    @Test
    void listsShippedTemplates()
    {
        assertThat(run("list")).isEqualTo(FisCli.OK);
        assertThat(out().lines()).hasSize(5).allSatisfy(line -> assertThat(line).doesNotContain("INVALID"));
    }
}
