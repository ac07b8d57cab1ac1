package io.trinospot.cli.fis;

import io.trinospot.fis.aws.AwsExperimentRunner;
import io.trinospot.fis.aws.ExperimentStatus;
import io.trinospot.fis.aws.FisApi;
import io.trinospot.fis.aws.FisException;
import io.trinospot.fis.aws.SignedFisClient;
import io.trinospot.fis.plan.InstancesFile;
import io.trinospot.fis.plan.LocalInstance;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.report.HtmlReport;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.InvalidTemplateException;
import io.trinospot.fis.template.IsoDurations;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * {@code fis validate|plan|run|report|list}. Exit codes: 0 fine, 1 the template is invalid, cannot be played or the
 * experiment did not complete, 2 the command line is wrong. Every error is one line; never a stack trace.
 */
public final class FisCli
{
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage:
              fis validate TEMPLATE [--aws]
              fis plan TEMPLATE --instances FILE [--seed N]
              fis run TEMPLATE --aws [--region R] [--endpoint URL]
              fis run TEMPLATE --local [--seed N]       (through ./trino-spot: starts a local cluster)
              fis chaos --runs N                        (through ./trino-spot: random templates, local cluster)
              fis report REPORT.json --html OUT.html
              fis list
            TEMPLATE is a file or the name of a shipped template (see 'fis list').
            exit codes: 0 ok, 1 invalid template / run failed, 2 usage error""";

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "validate", Set.of(),
            "plan", Set.of("--instances", "--seed"),
            "run", Set.of("--region", "--endpoint"),
            "report", Set.of("--html"),
            "list", Set.of());
    private static final Map<String, Set<String>> FLAGS = Map.of(
            "validate", Set.of("--aws"),
            "run", Set.of("--aws", "--local"));

    private final PrintStream out;
    private final PrintStream err;
    private final Function<AwsTarget, FisApi> fisFactory;

    /** Where {@code run --aws} sends its calls; the factory lets tests point it at a local server with fixed credentials. */
    record AwsTarget(String region, URI endpoint) {}

    FisCli(PrintStream out, PrintStream err, Function<AwsTarget, FisApi> fisFactory)
    {
        this.out = out;
        this.err = err;
        this.fisFactory = fisFactory;
    }

    public static void main(String[] args)
    {
        System.exit(new FisCli(System.out, System.err,
                target -> new SignedFisClient(target.endpoint(), target.region(), DefaultCredentialsProvider.builder().build())).run(args));
    }

    int run(String[] args)
    {
        try {
            if (args.length == 1 && List.of("help", "--help", "-h").contains(args[0])) {
                out.println(USAGE_TEXT);
                return OK;
            }
            if (args.length == 0 || !OPTIONS.containsKey(args[0])) {
                throw new UsageException(args.length == 0 ? "no command given" : "unknown command '" + args[0] + "'");
            }
            CliArguments arguments = CliArguments.parse(args, OPTIONS.get(args[0]), FLAGS.getOrDefault(args[0], Set.of()));
            return switch (arguments.command()) {
                case "validate" -> validate(arguments);
                case "plan" -> plan(arguments);
                case "run" -> runExperiment(arguments);
                case "report" -> report(arguments);
                default -> list(arguments);
            };
        }
        catch (UsageException e) {
            err.println("fis: " + oneLine(e.getMessage()));
            err.println(USAGE_TEXT);
            return USAGE;
        }
        catch (InvalidTemplateException e) {
            e.problems().forEach(problem -> err.println("error: " + problem.line()));
            err.println("fis: " + e.problems().size() + " problem(s) in the template");
            return FAILED;
        }
        catch (PlanException | FisException e) {
            err.println("fis: " + oneLine(e.getMessage()));
            return FAILED;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("fis: interrupted");
            return FAILED;
        }
        catch (RuntimeException | LinkageError e) {
            // a bug of ours, or something the SDK threw; still one line
            err.println("fis: unexpected " + e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage())));
            return FAILED;
        }
    }

    private int validate(CliArguments arguments)
            throws UsageException, InvalidTemplateException
    {
        String name = arguments.single("TEMPLATE");
        ExperimentTemplate template = TemplateReader.parse(TemplateSource.read(name),
                arguments.flag("--aws") ? TemplateValidator.RoleArn.REQUIRED : TemplateValidator.RoleArn.OPTIONAL);
        out.println("ok: " + name + " is a valid FIS experiment template (" + template.targets().size() + " target(s), "
                + template.actions().size() + " action(s))");
        return OK;
    }

    private int plan(CliArguments arguments)
            throws UsageException, InvalidTemplateException, PlanException
    {
        ExperimentTemplate template = TemplateReader.parse(TemplateSource.read(arguments.single("TEMPLATE")), TemplateValidator.RoleArn.OPTIONAL);
        Path instancesFile = Path.of(arguments.required("--instances"));
        List<LocalInstance> instances = InstancesFile.parse(TemplateSource.readFile(instancesFile));
        long seed;
        try {
            seed = arguments.option("--seed").map(Long::parseLong).orElseGet(() -> ThreadLocalRandom.current().nextLong(1_000_000));
        }
        catch (NumberFormatException e) {
            throw new UsageException("--seed must be a whole number, got '" + arguments.option("--seed").orElseThrow() + "'");
        }
        RunPlan plan = Planner.plan(template, instances, seed);
        out.println("plan: " + plan.description());
        out.println("seed " + seed + " (the same seed selects the same instances)");
        plan.selected().forEach((target, selected) -> out.println("target " + target + ": " + String.join(", ", selected)));
        plan.steps().forEach(step -> out.println(step.line()));
        plan.notes().forEach(note -> out.println("note: " + note));
        out.println("lasts " + IsoDurations.format(plan.duration()) + ", " + plan.steps().stream().filter(step -> step.instance().isPresent()).count()
                + " step(s) on instances");
        return OK;
    }

    private int runExperiment(CliArguments arguments)
            throws UsageException, InvalidTemplateException, FisException, InterruptedException
    {
        boolean aws = arguments.flag("--aws");
        boolean local = arguments.flag("--local");
        if (aws == local) {
            throw new UsageException("'run' needs exactly one of --aws or --local");
        }
        String name = arguments.single("TEMPLATE");
        if (local) {
            if (arguments.option("--region").isPresent() || arguments.option("--endpoint").isPresent()) {
                throw new UsageException("--region and --endpoint go with --aws");
            }
            TemplateReader.parse(TemplateSource.read(name), TemplateValidator.RoleArn.OPTIONAL);
            // the local executor lives in the test-harness (it starts clusters); ./trino-spot routes run --local there
            err.println("fis: run --local starts a local Trino cluster and lives in the test-harness: run it as "
                    + "./trino-spot fis run " + name + " --local");
            return FAILED;
        }
        ExperimentTemplate template = TemplateReader.parse(TemplateSource.read(name), TemplateValidator.RoleArn.REQUIRED);
        String region = arguments.option("--region").isPresent() ? arguments.option("--region").get() : defaultRegion();
        URI endpoint;
        try {
            endpoint = arguments.option("--endpoint").map(URI::create).orElse(SignedFisClient.endpointFor(region));
        }
        catch (IllegalArgumentException e) {
            throw new UsageException("--endpoint is not a URL: " + e.getMessage());
        }
        if (endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new UsageException("--endpoint must be an absolute URL like https://host:port, got '" + endpoint + "'");
        }
        out.println("running " + name + " on AWS FIS in " + region + " (" + endpoint + ")");
        ExperimentStatus status = AwsExperimentRunner.standard(fisFactory.apply(new AwsTarget(region, endpoint)), out::println).run(template);
        if (!status.isCompleted()) {
            err.println("fis: experiment " + status.id() + " ended " + status.status() + status.reason().map(reason -> ": " + reason).orElse(""));
            return FAILED;
        }
        out.println("experiment " + status.id() + " completed");
        return OK;
    }

    private int report(CliArguments arguments)
            throws UsageException
    {
        Path json = Path.of(arguments.single("REPORT.json"));
        Path html = Path.of(arguments.required("--html"));
        try {
            String page = HtmlReport.render(ReportJson.read(TemplateSource.readFile(json)));
            Files.writeString(html, page);
        }
        catch (IOException e) {
            err.println("fis: " + oneLine(json + ": " + e.getClass().getSimpleName() + " " + e.getMessage()));
            return FAILED;
        }
        out.println("wrote " + html);
        return OK;
    }

    private int list(CliArguments arguments)
            throws UsageException
    {
        if (!arguments.positional().isEmpty()) {
            throw new UsageException("'list' takes no arguments");
        }
        for (String name : TemplateSource.SHIPPED) {
            try {
                out.println(name + ": " + TemplateReader.parse(TemplateSource.read(name), TemplateValidator.RoleArn.OPTIONAL).description());
            }
            catch (InvalidTemplateException e) {
                out.println(name + ": INVALID " + e.getMessage());
            }
        }
        return OK;
    }

    private static String defaultRegion()
            throws UsageException
    {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        }
        catch (RuntimeException e) {
            throw new UsageException("no AWS region: pass --region or set AWS_REGION");
        }
    }

    private static String oneLine(String text)
    {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
