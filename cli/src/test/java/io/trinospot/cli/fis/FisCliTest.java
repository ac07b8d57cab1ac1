package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trinospot.fis.aws.AwsExperimentRunner;
import io.trinospot.fis.aws.ExperimentStatus;
import io.trinospot.fis.aws.FisApi;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.NodeState;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.harness.imds.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trino-spot fis validate|plan|run --aws|report|list}: output, one-line errors and exit codes. */
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

    private static FisRunner fis(String... args)
    {
        String[] all = new String[args.length + 1];
        all[0] = "fis";
        System.arraycopy(args, 0, all, 1, args.length);
        return FisRunner.run(all);
    }

    private Path instances()
            throws Exception
    {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, INSTANCES);
        return instances;
    }

    @Test
    void validatesShippedTemplatesByName()
    {
        FisRunner result = fis("validate", "emr-trino-interrupter");
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).isEqualTo("ok: emr-trino-interrupter is a valid FIS experiment template (1 target(s), 1 action(s))\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void invalidTemplatePrintsEveryProblemOnItsOwnLine()
            throws Exception
    {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"targets": {}, "actions": {"a": {"actionId": "aws:fis:wait", "parameters": {"duration": "1 minute"}}}, "stopConditions": []}
                """);
        FisRunner result = fis("validate", file.toString());
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).isEqualTo("""
                error: $.description: required
                error: $.actions.a.parameters.duration: not an ISO-8601 duration like PT2M: '1 minute'
                error: $.stopConditions: must be a non-empty array (use [{"source": "none"}] for none)
                trino-spot fis validate: 3 problem(s) in the template
                """);
    }

    @Test
    void aTemplateWithoutTargetsIsValid()
            throws Exception
    {
        FisRunner result = fis("validate", waitOnly().toString(), "--aws");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).isEqualTo("ok: " + waitOnly() + " is a valid FIS experiment template (0 target(s), 1 action(s))\n");
    }

    @Test
    void validateForAwsNeedsARole()
    {
        FisRunner result = fis("validate", "one-random-spot-worker", "--aws");
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).startsWith("error: $.roleArn: required to run on AWS (the IAM role FIS assumes)\n");
    }

    @Test
    void planPrintsSelectionStepsAndSeed()
            throws Exception
    {
        FisRunner result = fis("plan", "emr-trino-interrupter", "--instances", instances().toString(), "--seed", "5");
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).isEqualTo("""
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
    void planWithoutSeedPrintsTheOneItChose()
            throws Exception
    {
        FisRunner result = fis("plan", "one-random-spot-worker", "--instances", instances().toString());
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).containsPattern("(?m)^seed \\d+ \\(the same seed selects the same instances\\)$");
    }

    @Test
    void seedMustBeANumber()
            throws Exception
    {
        FisRunner result = fis("plan", "one-random-spot-worker", "--instances", instances().toString(), "--seed", "abc");
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("trino-spot fis plan: Invalid value for option '--seed'").contains("'abc'").endsWith("(see 'trino-spot fis plan --help')");
    }

    @Test
    void planErrorsAreOneLine()
            throws Exception
    {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, "[{\"name\": \"core-1\", \"lifecycle\": \"on-demand\", \"state\": \"running\"}]");
        FisRunner result = fis("plan", "half-of-spot-workers", "--instances", instances.toString());
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).isEqualTo("trino-spot fis plan: target 'HalfOfSpotWorkers' identifies no instance (aws:ec2:spot-instance, tag Name=MyTrinoCluster, State.Name in [running])\n");
    }

    @Test
    void usageErrorsExitTwoWithOneLine()
    {
        assertUsage(fis("plan", "emr-trino-interrupter"), "trino-spot fis plan: Missing required option: '--instances=FILE'");
        assertUsage(fis("plan", "emr-trino-interrupter", "--instances", "x"), "trino-spot fis plan: Invalid value for option '--instances': cannot read x: no such file");
        assertUsage(fis("plan", "emr-trino-interrupter", "--instances"), "trino-spot fis plan: Missing required parameter for option '--instances' (FILE)");
        assertUsage(fis("frobnicate"), "trino-spot fis: Unmatched argument at index 1: 'frobnicate'");
        assertUsage(fis("validate", "emr-trino-interrupter", "--instances", "x"), "trino-spot fis validate: Unknown options: '--instances', 'x'");
        assertUsage(fis("run", "emr-trino-interrupter"), "trino-spot fis run: needs exactly one of --aws or --local");
        assertUsage(fis("run", "emr-trino-interrupter", "--aws", "--local"), "trino-spot fis run: needs exactly one of --aws or --local");
        assertUsage(fis("run", "emr-trino-interrupter", "--local", "--region", "us-east-1"), "trino-spot fis run: --region goes with --aws");
        assertUsage(fis("run", "emr-trino-interrupter", "--aws", "--seed", "1"), "trino-spot fis run: --seed goes with --local");
        assertUsage(fis("run", "emr-trino-interrupter", "--aws", "--endpoint", "not-absolute"),
                "trino-spot fis run: --endpoint must be an absolute URL like https://host:port, got 'not-absolute'");
        assertUsage(fis("list", "extra"), "trino-spot fis list: Unmatched argument at index 2: 'extra'");
        assertUsage(fis(), "trino-spot fis: no subcommand given");
        FisRunner unknown = fis("validate", "no-such-template");
        assertThat(unknown.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(unknown.errLines()).singleElement().asString().startsWith("trino-spot fis validate: Invalid value for positional parameter at index 0 (TEMPLATE): "
                + "cannot read no-such-template: no such file, and not a shipped template (emr-trino-interrupter, ");
    }

    private static void assertUsage(FisRunner result, String message)
    {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString().isEqualTo(message + " (see '" + message.substring(0, message.indexOf(':')) + " --help')");
        assertThat(result.out()).isEmpty();
    }

    /** FIS as far as a run needs it: the experiment is over as soon as it starts. */
    private static final class FinishedFis
            implements FisApi
    {
        final List<String> calls = new ArrayList<>();
        final List<ObjectNode> templates = new ArrayList<>();
        private final ExperimentStatus end;

        FinishedFis(ExperimentStatus end)
        {
            this.end = end;
        }

        @Override
        public String createExperimentTemplate(ObjectNode template, String clientToken)
        {
            calls.add("create " + template.path("roleArn").asText());
            templates.add(template);
            return "EXT1";
        }

        @Override
        public ExperimentStatus startExperiment(String templateId, String clientToken)
        {
            calls.add("start " + templateId);
            return end;
        }

        @Override
        public ExperimentStatus getExperiment(String experimentId)
        {
            throw new AssertionError("a finished experiment is not polled");
        }

        @Override
        public ExperimentStatus stopExperiment(String experimentId)
        {
            throw new AssertionError("a finished experiment is not stopped");
        }
    }

    /** FIS with an experiment that runs until it is stopped. */
    private static final class RunningFis
            implements FisApi
    {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String createExperimentTemplate(ObjectNode template, String clientToken)
        {
            calls.add("create");
            return "EXT1";
        }

        @Override
        public ExperimentStatus startExperiment(String templateId, String clientToken)
        {
            calls.add("start " + templateId);
            return new ExperimentStatus("EXP3", "running", Optional.empty(), Map.of());
        }

        @Override
        public ExperimentStatus getExperiment(String experimentId)
        {
            calls.add("get " + experimentId);
            return new ExperimentStatus(experimentId, "running", Optional.empty(), Map.of());
        }

        @Override
        public ExperimentStatus stopExperiment(String experimentId)
        {
            calls.add("stop " + experimentId);
            return new ExperimentStatus(experimentId, "stopping", Optional.empty(), Map.of());
        }
    }

    private Path waitOnly()
            throws Exception
    {
        Path template = dir.resolve("wait-only.json");
        Files.writeString(template, """
                {"description": "pause", "actions": {"Pause": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
                 "stopConditions": [{"source": "none"}], "roleArn": "arn:aws:iam::123456789012:role/fis"}
                """);
        return template;
    }

    private Path templateWithRole()
            throws Exception
    {
        Path template = dir.resolve("with-role.json");
        Files.writeString(template, TemplateSource.read("emr-trino-interrupter").json().replaceFirst("\\{", "{\"roleArn\": \"arn:aws:iam::123456789012:role/fis\", "));
        return template;
    }

    @Test
    void runAwsCreatesStartsAndFollowsTheExperiment()
            throws Exception
    {
        Path template = templateWithRole();
        FinishedFis fis = new FinishedFis(new ExperimentStatus("EXP1", "completed", Optional.empty(), Map.of()));
        List<FisCommand.AwsTarget> targets = new ArrayList<>();
        FisRunner result = FisRunner.run(target -> {
            targets.add(target);
            return fis;
        }, "fis", "run", template.toString(), "--aws", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:9");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).isEqualTo("running " + template + " on AWS FIS in us-east-1 (http://127.0.0.1:9)\n"
                + "created experiment template EXT1\n"
                + "started experiment EXP1: completed\n"
                + "experiment EXP1 completed\n");
        assertThat(targets).containsExactly(new FisCommand.AwsTarget("us-east-1", java.net.URI.create("http://127.0.0.1:9")));
        assertThat(fis.calls).containsExactly("create arn:aws:iam::123456789012:role/fis", "start EXT1");

        // without --endpoint, the region's own
        FisRunner regional = FisRunner.run(target -> {
            targets.add(target);
            return fis;
        }, "fis", "run", template.toString(), "--aws", "--region", "eu-west-1");
        assertThat(regional.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(targets.getLast().endpoint().getHost()).isEqualTo("fis.eu-west-1.amazonaws.com");
    }

    @Test
    void runAwsFailsWhenTheExperimentDoesNotComplete()
            throws Exception
    {
        FinishedFis fis = new FinishedFis(new ExperimentStatus("EXP2", "stopped", Optional.of("stop condition met"), Map.of()));
        FisRunner result = FisRunner.run(target -> fis, "fis", "run", templateWithRole().toString(), "--aws", "--region", "us-east-1");
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).isEqualTo("trino-spot fis run: experiment EXP2 ended stopped: stop condition met\n");
    }

    @Test
    void runAwsSubmitsATemplateWithoutTargetsAsWritten()
            throws Exception
    {
        FinishedFis fis = new FinishedFis(new ExperimentStatus("EXP4", "completed", Optional.empty(), Map.of()));
        FisRunner result = FisRunner.run(target -> fis, "fis", "run", waitOnly().toString(), "--aws", "--region", "us-east-1");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLines.OK);
        assertThat(fis.templates).singleElement().satisfies(template -> {
            assertThat(template.has("targets")).isFalse();
            assertThat(template.at("/actions/Pause/actionId").asText()).isEqualTo("aws:fis:wait");
        });
    }

    @Test
    void runAwsRefusesPlainHttpExceptToLoopback()
            throws Exception
    {
        String clear = " would send AWS credentials in clear: use https (plain http only to a loopback address: 127.0.0.0/8, ::1, localhost)";
        String template = templateWithRole().toString();
        assertUsage(fis("run", template, "--aws", "--region", "us-east-1", "--endpoint", "http://fis.us-east-1.amazonaws.com"),
                "trino-spot fis run: --endpoint http://fis.us-east-1.amazonaws.com" + clear);
        assertUsage(fis("run", template, "--aws", "--region", "us-east-1", "--endpoint", "http://10.0.0.5:8080"),
                "trino-spot fis run: --endpoint http://10.0.0.5" + clear);
        assertUsage(fis("run", template, "--aws", "--region", "us-east-1", "--endpoint", "http://localhost.example.com"),
                "trino-spot fis run: --endpoint http://localhost.example.com" + clear);
        assertUsage(fis("run", template, "--aws", "--region", "us-east-1", "--endpoint", "ftp://127.0.0.1"),
                "trino-spot fis run: --endpoint must be an absolute URL like https://host:port, got 'ftp://127.0.0.1'");

        for (String loopback : List.of("http://127.0.0.1:9", "http://127.3.2.1:9", "http://[::1]:9", "http://localhost:9", "https://fis.example.com")) {
            FinishedFis fis = new FinishedFis(new ExperimentStatus("EXP1", "completed", Optional.empty(), Map.of()));
            FisRunner result = FisRunner.run(target -> fis, "fis", "run", template, "--aws", "--region", "us-east-1", "--endpoint", loopback);
            assertThat(result.exitCode()).as(loopback + ": " + result.err()).isEqualTo(CommandLines.OK);
        }
    }

    @Test
    void ctrlCStopsTheExperimentAndSaysSoBeforeTheJvmEnds()
            throws Exception
    {
        Path template = templateWithRole();
        RunningFis fis = new RunningFis();
        CountDownLatch polling = new CountDownLatch(1);
        List<Thread> added = new CopyOnWriteArrayList<>();
        List<Thread> removed = new CopyOnWriteArrayList<>();
        AtomicReference<FisRunner> result = new AtomicReference<>();
        Thread command = new Thread(() -> result.set(FisRunner.configure(run -> {
            run.fisFactory = _ -> fis;
            // waits between polls until interrupted, as Thread.sleep does
            run.runnerFactory = (api, progress) -> new AwsExperimentRunner(api, new ManualClock(Instant.EPOCH), _ -> {
                polling.countDown();
                new CountDownLatch(1).await();
            }, Duration.ofSeconds(5), Duration.ofHours(2), () -> "t", progress);
            run.shutdownHooks = new InterruptOnExit.Hooks()
            {
                @Override
                public void add(Thread hook)
                {
                    added.add(hook);
                }

                @Override
                public void remove(Thread hook)
                {
                    removed.add(hook);
                }
            };
        }, "fis", "run", template.toString(), "--aws", "--region", "us-east-1")), "fis-run");
        command.start();
        polling.await();

        // what the JVM does on Ctrl-C: run the hook, which returns once the command has stopped the experiment and said so
        assertThat(added).hasSize(1);
        added.getFirst().run();
        command.join();

        assertThat(fis.calls).containsExactly("create", "start EXT1", "stop EXP3");
        assertThat(result.get().exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.get().err()).isEqualTo("trino-spot fis run: interrupted while following experiment EXP3; sent StopExperiment, experiment EXP3 is now stopping\n");
        assertThat(removed).isEqualTo(added);
    }

    @Test
    void runAwsRefusesATemplateWithoutRoleBeforeCallingAnything()
    {
        FisRunner result = fis("run", "emr-trino-interrupter", "--aws", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:1");
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).startsWith("error: $.roleArn: required to run on AWS");
    }

    @Test
    void reportRendersHtmlFromJson()
            throws Exception
    {
        Path json = dir.resolve("report.json");
        Files.writeString(json, ReportJson.write(report()));
        Path html = dir.resolve("report.html");
        FisRunner result = fis("report", json.toString(), "--html", html.toString());
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).isEqualTo("wrote " + html + "\n");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline\"");

        Files.writeString(json, "{}");
        FisRunner broken = fis("report", json.toString(), "--html", html.toString());
        assertThat(broken.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(broken.errLines()).singleElement().asString().startsWith("trino-spot fis report: " + json + ": ");

        assertUsage(fis("report", dir.resolve("missing.json").toString(), "--html", html.toString()),
                "trino-spot fis report: Invalid value for positional parameter at index 0 (REPORT.json): cannot read " + dir.resolve("missing.json") + ": no such file");
    }

    @Test
    void listsShippedTemplates()
    {
        FisRunner result = fis("list");
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out().lines()).hasSize(5).allSatisfy(line -> assertThat(line).doesNotContain("INVALID"));
    }

    private static ExperimentReport report()
    {
        return new ExperimentReport("one Spot worker", "one-random-spot-worker", Instant.parse("2026-11-22T10:00:00Z"), Duration.ofSeconds(90),
                List.of(new ExperimentReport.Node("spot-1", "worker", "spot", List.of(
                        new ExperimentReport.StateChange(Duration.ZERO, NodeState.ACTIVE),
                        new ExperimentReport.StateChange(Duration.ofSeconds(5), NodeState.SHUTTING_DOWN),
                        new ExperimentReport.StateChange(Duration.ofSeconds(60), NodeState.GONE)))),
                List.of(new ExperimentReport.Event(Duration.ofSeconds(3), EventKind.SPOT_NOTICE, Optional.of("spot-1"), "notice")),
                List.of(new ExperimentReport.ProgressSample(Duration.ZERO, 0, 0, 0)),
                List.of(new ExperimentReport.TaskAttempt("q.1.0.0", "spot-1", Duration.ZERO, Optional.of(Duration.ofSeconds(20)), "FINISHED")),
                new ExperimentReport.Verdict(true, "10 rows", Optional.of(Duration.ofSeconds(80)), Optional.of(Duration.ofSeconds(70))));
    }
}
