package io.trinospot.cli.fis;

import io.trinospot.cli.CommandGroup;
import io.trinospot.cli.CommandLines;
import io.trinospot.fis.aws.AwsExperimentRunner;
import io.trinospot.fis.aws.ExperimentStatus;
import io.trinospot.fis.aws.FisApi;
import io.trinospot.fis.aws.SignedFisClient;
import io.trinospot.fis.chaos.ChaosJournal;
import io.trinospot.fis.chaos.ChaosLoop;
import io.trinospot.fis.chaos.ChaosRun;
import io.trinospot.fis.chaos.ChaosSeries;
import io.trinospot.fis.chaos.ChaosSummary;
import io.trinospot.fis.chaos.FaultKind;
import io.trinospot.fis.chaos.Workload;
import io.trinospot.fis.local.BlogCluster;
import io.trinospot.fis.local.LocalRuns;
import io.trinospot.fis.plan.InstancesFile;
import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.report.HtmlReport;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.InvalidTemplateException;
import io.trinospot.fis.template.IsoDurations;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code trino-spot fis validate|plan|run|chaos|report|list}. Exit codes: 0 fine, 1 the template is invalid, cannot
 * be played, a query run was wrong or the experiment did not complete, 2 the command line is wrong.
 */
@Command(
        name = "fis",
        mixinStandardHelpOptions = true,
        description = {
                "AWS Fault Injection Service experiment templates: check them, plan them, run them on AWS or on a local copy of the AWS blog post's cluster.",
                "TEMPLATE is a file or the name of a shipped template (see 'fis list')."},
        subcommands = {
                FisCommand.Validate.class,
                FisCommand.Plan.class,
                FisCommand.Run.class,
                FisCommand.Chaos.class,
                ImdsFaultsCommand.class,
                RebalanceCommand.class,
                FisCommand.Report.class,
                FisCommand.ListTemplates.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:invalid template, plan not possible, wrong query run or experiment not completed", "2:usage error"})
public final class FisCommand
        extends CommandGroup
{
    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a template against FIS's rules; print every problem, one per line.")
    static final class Validate
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TEMPLATE", converter = TemplateSource.class, description = "a template file or a shipped template's name")
        TemplateSource.Template template;

        @Option(names = "--aws", description = "also require what running on AWS needs (roleArn)")
        boolean aws;

        @Override
        public Integer call()
        {
            return Failures.guard(spec, () -> {
                ExperimentTemplate parsed = TemplateReader.parse(template.json(), aws ? TemplateValidator.RoleArn.REQUIRED : TemplateValidator.RoleArn.OPTIONAL);
                spec.commandLine().getOut().println("ok: " + template.given() + " is a valid FIS experiment template (" + parsed.targets().size() + " target(s), "
                        + parsed.actions().size() + " action(s))");
                return CommandLines.OK;
            });
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "Show what a template would do to a set of instances: selections, steps with their offsets, notes.")
    static final class Plan
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TEMPLATE", converter = TemplateSource.class, description = "a template file or a shipped template's name")
        TemplateSource.Template template;

        @Option(names = "--instances", required = true, paramLabel = "FILE", converter = TextFile.Reader.class,
                description = "the instances, a JSON array of {name, tags, lifecycle, state} (see examples/blog-instances.json)")
        TextFile instances;

        @Option(names = "--seed", paramLabel = "N", description = "selects the instances; the same seed selects the same ones (default: random, printed)")
        Long seed;

        @Override
        public Integer call()
        {
            return Failures.guard(spec, () -> {
                ExperimentTemplate parsed = TemplateReader.parse(template.json(), TemplateValidator.RoleArn.OPTIONAL);
                long chosen = seed != null ? seed : new SplittableRandom().nextLong(1_000_000);
                RunPlan plan = Planner.plan(parsed, InstancesFile.parse(instances.text()), chosen);
                PrintWriter out = spec.commandLine().getOut();
                out.println("plan: " + plan.description());
                out.println("seed " + chosen + " (the same seed selects the same instances)");
                plan.selected().forEach((target, selected) -> out.println("target " + target + ": " + String.join(", ", selected)));
                plan.steps().forEach(step -> out.println(step.line()));
                plan.notes().forEach(note -> out.println("note: " + note));
                out.println("lasts " + IsoDurations.format(plan.duration()) + ", " + plan.steps().stream().filter(step -> step.instance().isPresent()).count()
                        + " step(s) on instances");
                return CommandLines.OK;
            });
        }
    }

    /** The number of workers of the local cluster. */
    static final class Fleet
    {
        @Option(names = "--core", paramLabel = "N", defaultValue = "" + LocalRuns.DEFAULT_CORE_WORKERS,
                description = "on-demand core workers, tagged role CORE (default: ${DEFAULT-VALUE})")
        int core;

        @Option(names = "--spot", paramLabel = "N", defaultValue = "" + LocalRuns.DEFAULT_SPOT_WORKERS,
                description = "Spot workers, tagged role TASK, each with a spot-watcher and an IMDS emulator (default: ${DEFAULT-VALUE})")
        int spot;

        void check(CommandSpec spec)
        {
            if (core < 1) {
                throw CommandLines.usage(spec, "--core must be at least 1, got " + core);
            }
            if (spot < 0) {
                throw CommandLines.usage(spec, "--spot must not be negative, got " + spot);
            }
        }
    }

    /** Where {@code run --aws} sends its calls. */
    record AwsTarget(String region, URI endpoint) {}

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                    "Run a template: with --aws, create it on AWS FIS, start it and follow it to its end; "
                            + "with --local, play it on a local copy of the AWS blog post's cluster while TPC-DS q39 runs, and write a report.",
                    "Exactly one of --aws and --local. --region and --endpoint go with --aws; the cluster's options with --local."})
    static final class Run
            implements Callable<Integer>
    {
        private static final List<String> AWS_ONLY = List.of("--region", "--endpoint");
        private static final List<String> LOCAL_ONLY = List.of("--seed", "--core", "--spot", "--configurations", "--report-dir", "--work-dir");

        /** The FIS client for a region and endpoint; tests point it at a local server with fixed credentials. */
        Function<AwsTarget, FisApi> fisFactory = target -> new SignedFisClient(target.endpoint(), target.region(), DefaultCredentialsProvider.builder().build());

        /** The runner following the experiment; tests give it a clock and a sleep they control. */
        BiFunction<FisApi, Consumer<String>, AwsExperimentRunner> runnerFactory = AwsExperimentRunner::standard;

        /** Where the hook that stops the experiment on Ctrl-C goes; tests call it themselves. */
        InterruptOnExit.Hooks shutdownHooks = InterruptOnExit.Hooks.RUNTIME;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TEMPLATE", converter = TemplateSource.class, description = "a template file or a shipped template's name")
        TemplateSource.Template template;

        @Option(names = "--aws", description = "on AWS FIS (credentials and region as the AWS SDK finds them)")
        boolean aws;

        @Option(names = "--region", paramLabel = "R", description = "--aws: the AWS region (default: AWS_REGION, the profile, ...)")
        String region;

        @Option(names = "--endpoint", paramLabel = "URL", description = "--aws: the FIS endpoint (default: the region's); https, or http only to a loopback address")
        URI endpoint;

        @Option(names = "--local", description = "on a local copy of the AWS blog post's cluster, started for this run and stopped afterwards")
        boolean local;

        @Option(names = "--seed", paramLabel = "N", description = "--local: selects the instances (default: random, printed)")
        Long seed;

        @Mixin
        Fleet fleet;

        @Mixin
        LocalClusterOptions cluster;

        @Override
        public Integer call()
        {
            if (aws == local) {
                throw CommandLines.usage(spec, "needs exactly one of --aws or --local");
            }
            for (String option : aws ? LOCAL_ONLY : AWS_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw CommandLines.usage(spec, option + " goes with " + (aws ? "--local" : "--aws"));
                }
            }
            return aws ? runOnAws() : runLocally();
        }

        private int runOnAws()
        {
            if (endpoint != null) {
                SignedFisClient.endpointProblem(endpoint).ifPresent(problem -> {
                    throw CommandLines.usage(spec, "--endpoint " + problem);
                });
            }
            // opened before the failure line is printed and closed after, so Ctrl-C never cuts that line off
            try (InterruptOnExit _ = new InterruptOnExit(shutdownHooks)) {
                return Failures.guard(spec, () -> {
                    ExperimentTemplate parsed = TemplateReader.parse(template.json(), TemplateValidator.RoleArn.REQUIRED);
                    String chosenRegion = region != null ? region : defaultRegion();
                    URI chosenEndpoint = endpoint != null ? endpoint : SignedFisClient.endpointFor(chosenRegion);
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("running " + template.given() + " on AWS FIS in " + chosenRegion + " (" + chosenEndpoint + ")");
                    ExperimentStatus status = runnerFactory.apply(fisFactory.apply(new AwsTarget(chosenRegion, chosenEndpoint)), out::println).run(parsed);
                    if (!status.isCompleted()) {
                        return CommandLines.fail(spec, "experiment " + status.id() + " ended " + status.status()
                                + status.reason().map(reason -> ": " + reason).orElse(""));
                    }
                    out.println("experiment " + status.id() + " completed");
                    return CommandLines.OK;
                });
            }
        }

        private String defaultRegion()
        {
            try {
                return new DefaultAwsRegionProviderChain().getRegion().id();
            }
            catch (RuntimeException e) {
                throw CommandLines.usage(spec, "no AWS region: pass --region or set AWS_REGION");
            }
        }

        private int runLocally()
        {
            fleet.check(spec);
            return Failures.guard(spec, () -> {
                ExperimentTemplate parsed = TemplateReader.parse(template.json(), TemplateValidator.RoleArn.OPTIONAL);
                long chosen = seed != null ? seed : new SplittableRandom().nextLong(1_000_000);
                boolean correct = new LocalRuns(spec.commandLine().getOut()::println)
                        .runOne(template.name(), parsed, chosen, cluster.cluster(fleet.core, fleet.spot), cluster.reportDir());
                return correct ? CommandLines.OK : CommandLines.FAILED;
            });
        }
    }

    @Command(
            name = "chaos",
            mixinStandardHelpOptions = true,
            description = {
                    "On one local copy of the AWS blog post's cluster, a seeded series of runs one after another (the fleet replenished between runs): "
                            + "each injects a fault while a workload runs, and checks every query against its fault-free result.",
                    "Prints each run as it goes, then a table per fault kind (runs, queries, passed, failed loudly, silently wrong), written to "
                            + "<report-dir>/" + ChaosLoop.SUMMARY_FILE + ". Exit 0 when no run was silently wrong, 1 otherwise.",
                    "Exactly one of --runs and --run; --run needs --seed and replays that run alone (give the series' --faults, --workload, --templates, --core and --spot too)."})
    static final class Chaos
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Option(names = "--runs", paramLabel = "N", description = "how many runs the series has, at least 1")
        Integer runs;

        @Option(names = "--run", paramLabel = "N", description = "replay run N of the series of --seed alone")
        Integer run;

        @Option(names = "--seed", paramLabel = "N", description = "gives the whole series: each run's fault, its workload and every choice the fault makes (default: random, printed)")
        Long seed;

        @Option(names = "--faults", paramLabel = "KIND", split = ",", converter = FaultKindConverter.class,
                description = "the fault kinds each run picks from: spot-notice (a FIS template), worker-sigkill, worker-sigstop, "
                        + "s3-error-burst (S3 errors to the lake for a while, through a fault proxy), datanode-kill (an HDFS DataNode of two, spool replication 2) "
                        + "(default: spot-notice)")
        List<FaultKind> faults = new ArrayList<>();

        @Option(names = "--workload", paramLabel = "WORKLOAD", split = ",", converter = WorkloadConverter.class,
                description = "the workloads each run picks from: q39 (TPC-DS reads), etl (the lake write, short) (default: q39)")
        List<Workload> workloads = new ArrayList<>();

        @Option(names = "--templates", paramLabel = "T1,T2,...", split = ",", converter = TemplateSource.class,
                description = "the templates spot-notice runs choose from, files or shipped names (default: every shipped template)")
        List<TemplateSource.Template> templates = new ArrayList<>();

        @Mixin
        TimeScaleOption timeScaleOption;

        @Option(names = "--resume", description = "continue the series whose journal is in --report-dir: its recorded runs are not run again, and the summary covers them all")
        boolean resume;

        @Mixin
        Fleet fleet;

        @Mixin
        LocalClusterOptions cluster;

        @Override
        public Integer call()
        {
            if (resume && run != null) {
                throw CommandLines.usage(spec, "--resume continues a series (--runs N), not a replayed run");
            }
            if (resume && cluster.reportDir == null) {
                throw CommandLines.usage(spec, "--resume continues the series recorded in --report-dir DIR: give that directory");
            }
            double timeScale = timeScaleOption.factor(spec);
            if (runs == null && run == null) {
                throw CommandLines.usage(spec, "give --runs N for a series, or --run N with --seed to replay one run of it");
            }
            if (runs != null && run != null) {
                throw CommandLines.usage(spec, "--runs and --run exclude each other: --run replays one run of the series");
            }
            if (runs != null && runs < 1) {
                throw CommandLines.usage(spec, "--runs must be at least 1, got " + runs);
            }
            if (run != null && run < 1) {
                throw CommandLines.usage(spec, "--run must be at least 1, got " + run);
            }
            if (run != null && seed == null) {
                throw CommandLines.usage(spec, "--run replays a run of a seeded series: give the series' --seed");
            }
            fleet.check(spec);
            List<FaultKind> kinds = faults.isEmpty() ? List.of(FaultKind.SPOT_NOTICE) : faults.stream().distinct().toList();
            List<Workload> chosenWorkloads = workloads.isEmpty() ? List.of(Workload.Q39) : workloads.stream().distinct().toList();
            boolean noticeRuns = kinds.contains(FaultKind.SPOT_NOTICE);
            if (!templates.isEmpty() && !noticeRuns) {
                throw CommandLines.usage(spec, "--templates is for spot-notice runs, which --faults leaves out");
            }
            List<TemplateSource.Template> chosen = !noticeRuns ? List.of() : templates.isEmpty() ? TemplateSource.SHIPPED.stream().map(TemplateSource::read).toList() : templates;
            if (kinds.stream().anyMatch(kind -> kind == FaultKind.WORKER_SIGKILL || kind == FaultKind.WORKER_SIGSTOP) && fleet.core + fleet.spot < 2) {
                throw CommandLines.usage(spec, "worker faults need at least 2 workers, so that one is left to run the queries; got --core " + fleet.core + " --spot " + fleet.spot);
            }
            if (resume && seed == null) {
                throw CommandLines.usage(spec, "--resume continues a seeded series: give the series' --seed");
            }
            Path reportDir = cluster.reportDir();
            return Failures.guard(spec, () -> {
                Map<String, ExperimentTemplate> parsed = new LinkedHashMap<>();
                for (TemplateSource.Template template : chosen) {
                    parsed.put(template.name(), TemplateReader.parse(template.json(), TemplateValidator.RoleArn.OPTIONAL));
                }
                long chosenSeed = seed != null ? seed : new SplittableRandom().nextLong(1_000_000);
                ChaosSeries series = new ChaosSeries(chosenSeed, kinds, chosenWorkloads, List.copyOf(parsed.keySet()), BlogCluster.workerNames(fleet.core, fleet.spot));
                List<ChaosRun> chosenRuns = run != null ? List.of(series.run(run)) : series.runs(runs);
                String key = ChaosJournal.seriesKey(series, timeScale);
                ChaosJournal journal;
                try {
                    journal = resume ? ChaosJournal.resume(reportDir, key, series) : ChaosJournal.start(reportDir, key);
                }
                catch (IllegalArgumentException e) {
                    throw CommandLines.usage(spec, e.getMessage());
                }
                ChaosSummary summary = new LocalRuns(spec.commandLine().getOut()::println)
                        .chaos(parsed, series, chosenRuns, journal, timeScale, cluster.cluster(fleet.core, fleet.spot), reportDir,
                                number -> replay(chosenSeed, number, kinds, chosenWorkloads));
                return summary.noneSilentlyWrong() && summary.results().size() == chosenRuns.size() ? CommandLines.OK : CommandLines.FAILED;
            });
        }

        /** The command that replays run {@code number} alone: the options that choose the series, and the run. */
        private String replay(long chosenSeed, int number, List<FaultKind> kinds, List<Workload> chosenWorkloads)
        {
            return replayCommand(chosenSeed, number, kinds, chosenWorkloads, templates.stream().map(TemplateSource.Template::given).toList(), timeScaleOption.factor, fleet.core, fleet.spot);
        }

        /** {@code ./trino-spot fis chaos --seed S --run N --faults ... --workload ...}, with the templates, time scale and fleet sizes given, if any. */
        static String replayCommand(long seed, int number, List<FaultKind> kinds, List<Workload> workloads, List<String> templatesGiven, double timeScale, int core, int spot)
        {
            StringBuilder command = new StringBuilder("./trino-spot fis chaos --seed ").append(seed).append(" --run ").append(number)
                    .append(" --faults ").append(kinds.stream().map(FaultKind::label).collect(Collectors.joining(",")))
                    .append(" --workload ").append(workloads.stream().map(Workload::label).collect(Collectors.joining(",")));
            if (!templatesGiven.isEmpty()) {
                command.append(" --templates ").append(String.join(",", templatesGiven));
            }
            if (timeScale != 1) {
                command.append(" --time-scale ").append(timeScale);
            }
            if (core != LocalRuns.DEFAULT_CORE_WORKERS) {
                command.append(" --core ").append(core);
            }
            if (spot != LocalRuns.DEFAULT_SPOT_WORKERS) {
                command.append(" --spot ").append(spot);
            }
            return command.toString();
        }
    }

    /** A fault kind by its label; an unknown one is a usage error naming the known ones. */
    static final class FaultKindConverter
            implements ITypeConverter<FaultKind>
    {
        @Override
        public FaultKind convert(String value)
        {
            try {
                return FaultKind.parse(value);
            }
            catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A workload by its label; an unknown one is a usage error naming the known ones. */
    static final class WorkloadConverter
            implements ITypeConverter<Workload>
    {
        @Override
        public Workload convert(String value)
        {
            try {
                return Workload.parse(value);
            }
            catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Render a run's JSON report as a self-contained HTML page.")
    static final class Report
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "REPORT.json", converter = TextFile.Reader.class, description = "the JSON report a local run wrote")
        TextFile json;

        @Option(names = "--html", required = true, paramLabel = "OUT.html", description = "the page to write")
        Path html;

        @Override
        public Integer call()
        {
            try {
                Files.writeString(html, HtmlReport.render(ReportJson.read(json.text())));
            }
            catch (IOException e) {
                return CommandLines.fail(spec, json.path() + ": " + CommandLines.oneLine(e));
            }
            spec.commandLine().getOut().println("wrote " + html);
            return CommandLines.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The shipped templates, each with its description.")
    static final class ListTemplates
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            for (String name : TemplateSource.SHIPPED) {
                String line;
                try {
                    line = TemplateReader.parse(TemplateSource.read(name).json(), TemplateValidator.RoleArn.OPTIONAL).description();
                }
                catch (InvalidTemplateException e) {
                    line = "INVALID " + e.getMessage();
                }
                spec.commandLine().getOut().println(name + ": " + line);
            }
            return CommandLines.OK;
        }
    }
}
