package io.trinospot.cli.fis;

import io.trinospot.cli.fis.TemplateSource;
import io.trinospot.cli.fis.UsageException;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.report.NodeState;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.InvalidTemplateException;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import io.trinospot.harness.QueryResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The experiments that need a real local cluster: {@code trino-spot demo}, {@code trino-spot fis run T --local} and
 * {@code trino-spot fis chaos}. Each starts the blog's cluster, runs, prints the verdict and where the report is, and
 * leaves nothing running. Exit codes: 0 correct, 1 a wrong or failed query (or the demo's checks failed), 2 usage.
 */
public final class LocalFisCli
{
    static final String USAGE = """
            usage:
              trino-spot demo [--compare-scale] [--report-dir DIR] [--work-dir DIR] [--configurations FILE]
              trino-spot fis run TEMPLATE --local [--seed N] [--core N] [--spot N] [--configurations FILE] [--report-dir DIR]
              trino-spot fis chaos --runs N [--seed N] [--templates T1,T2,...] [--core N] [--spot N] [--configurations FILE] [--report-dir DIR]
            The cluster is the blog's: a coordinator, --core on-demand workers (default 2) and --spot Spot workers
            (default 4) with a spot-watcher and IMDS emulator each, etc/ rendered by trino-config from --configurations
            (default: the blog's EMR classifications), exchange spooled to HDFS, TPC-DS q39 on lake tables.
            TEMPLATE is a file or a shipped template (fis list). --report-dir: where the JSON and HTML reports go
            (default $TRINO_SPOT_HOME/reports/<time>); --work-dir: the nodes' directories (etc/, logs), kept afterwards.
            demo --compare-scale: afterwards the blog's second finding, q39 on 6 workers and then on 10 (4 Spot workers
            added), each timed over 3 runs.""";

    private static final List<String> OPTIONS = List.of("--report-dir", "--work-dir", "--configurations", "--seed", "--core", "--spot", "--runs", "--templates");

    private final PrintStream out;
    private final PrintStream err;
    private final Path home;

    public LocalFisCli(PrintStream out, PrintStream err, Path home)
    {
        this.out = out;
        this.err = err;
        this.home = home;
    }

    public static void main(String[] args)
    {
        Path home = Path.of(Optional.ofNullable(System.getenv("TRINO_SPOT_HOME")).orElse(".trino-spot")).toAbsolutePath();
        System.exit(new LocalFisCli(System.out, System.err, home).run(List.of(args)));
    }

    public int run(List<String> args)
    {
        try {
            if (args.isEmpty()) {
                throw new UsageException("no command given");
            }
            Map<String, String> options = new LinkedHashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 1; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--local")) {
                    continue;
                }
                if (arg.equals("--compare-scale")) {
                    options.put(arg, "true");
                    continue;
                }
                if (arg.startsWith("--")) {
                    if (!OPTIONS.contains(arg)) {
                        throw new UsageException("unknown option " + arg);
                    }
                    if (i + 1 >= args.size()) {
                        throw new UsageException(arg + " needs a value");
                    }
                    options.put(arg, args.get(++i));
                }
                else {
                    positional.add(arg);
                }
            }
            return switch (args.getFirst()) {
                case "demo" -> demo(positional, options);
                case "run" -> runOne(positional, options);
                case "chaos" -> chaos(positional, options);
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + args.getFirst() + "'");
            };
        }
        catch (UsageException e) {
            err.println("trino-spot: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        catch (InvalidTemplateException e) {
            e.problems().forEach(problem -> err.println("error: " + problem.line()));
            return 1;
        }
        catch (PlanException | IOException | RuntimeException e) {
            err.println("trino-spot: " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).strip());
            return 1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("trino-spot: interrupted");
            return 1;
        }
    }

    private int demo(List<String> positional, Map<String, String> options)
            throws UsageException, InvalidTemplateException, PlanException, IOException, InterruptedException
    {
        if (!positional.isEmpty()) {
            throw new UsageException("demo takes no arguments, got " + positional);
        }
        rejectOptions(options, "--seed", "--core", "--spot", "--runs", "--templates");
        boolean compareScale = options.containsKey("--compare-scale");
        Path reports = reportDir(options);
        out.println("trino-spot demo: the EMR Spot blog's experiment on this machine");
        ExperimentTemplate template = template("emr-trino-interrupter");
        try (BlogCluster blog = BlogCluster.start(configurations(options, reports), 2, 4, workDir(options), this::print)) {
            String sql = blog.q39();
            QueryResult faultFree = faultFree(blog, sql);
            LocalExperiment.Outcome outcome = new LocalExperiment(blog.cluster(), blog.fleet(), this::print)
                    .run("emr-trino-interrupter", template, 1, sql, faultFree, reports);
            List<String> problems = new ArrayList<>();
            for (String worker : blog.spotWorkers()) {
                List<NodeState> states = outcome.recorder().statesOf(worker);
                if (!states.contains(NodeState.SHUTTING_DOWN)) {
                    problems.add(worker + " never showed shutting_down (states " + states + ")");
                }
                if (states.isEmpty() || states.getLast() != NodeState.GONE) {
                    problems.add(worker + " is not gone at the end (states " + states + ")");
                }
            }
            printVerdict(outcome);
            for (String worker : blog.spotWorkers()) {
                out.println("  " + worker + ": " + String.join(" -> ", outcome.recorder().statesOf(worker).stream().map(NodeState::label).toList()));
            }
            problems.forEach(problem -> out.println("demo check failed: " + problem));
            boolean ok = outcome.correct() && problems.isEmpty();
            out.println(ok ? "demo: PASSED - the query survived the Spot interruption of all " + blog.spotWorkers().size() + " Spot workers"
                    : "demo: FAILED");
            if (compareScale) {
                ok &= compareScale(blog, sql, faultFree);
            }
            return ok ? 0 : 1;
        }
        finally {
            out.println("all processes stopped");
        }
    }

    /**
     * The blog's second finding: after EMR replaced the reclaimed capacity, 10 workers ran q39 faster than 6. Here the
     * fleet is replenished to 6, q39 timed, 4 Spot workers added, q39 timed again; every run checked for correctness.
     */
    private boolean compareScale(BlogCluster blog, String sql, QueryResult faultFree)
    {
        int runs = 3;
        List<String> replaced = blog.replenish();
        out.println("compare-scale: fleet replenished (" + String.join(", ", replaced) + "); timing q39 on " + blog.cluster().workers().size() + " workers");
        List<Double> six = timeRuns(blog, sql, faultFree, runs);
        int before = blog.cluster().workers().size();
        for (int i = 1; i <= 4; i++) {
            String name = "spot-" + (blog.spotWorkers().size() + 1);
            blog.addSpotWorker(name);
            out.println("compare-scale: added " + name);
        }
        int after = blog.cluster().workers().size();
        List<Double> ten = timeRuns(blog, sql, faultFree, runs);
        if (six == null || ten == null) {
            out.println("compare-scale: FAILED - a run gave wrong rows or failed");
            return false;
        }
        double medianSix = median(six);
        double medianTen = median(ten);
        out.printf("compare-scale: q39 median of %d runs: %d workers %.1f s %s, %d workers %.1f s %s; %d/%d = %.2f (the blog on EMR: 2.33 -> 1.57 min, 0.67)%n",
                runs, before, medianSix, six, after, medianTen, ten, after, before, medianTen / medianSix);
        out.println("compare-scale: every node here shares the same " + Runtime.getRuntime().availableProcessors()
                + " cores, so more workers add coordination, not compute; on EC2 each worker brings its own instance");
        return true;
    }

    private List<Double> timeRuns(BlogCluster blog, String sql, QueryResult faultFree, int runs)
    {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            QueryResult result = blog.cluster().query(sql);
            var difference = io.trinospot.harness.ResultComparison.differences(faultFree, result);
            if (difference.isPresent()) {
                out.println("compare-scale: run gave other rows than the fault-free run: " + difference.get());
                return null;
            }
            seconds.add(Math.round(result.wallTime().toMillis() / 100.0) / 10.0);
        }
        return seconds;
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private int runOne(List<String> positional, Map<String, String> options)
            throws UsageException, InvalidTemplateException, PlanException, IOException, InterruptedException
    {
        if (positional.size() != 1) {
            throw new UsageException("run takes one TEMPLATE, got " + positional);
        }
        rejectOptions(options, "--runs", "--templates", "--compare-scale");
        String name = templateName(positional.getFirst());
        ExperimentTemplate template = template(positional.getFirst());
        long seed = longOption(options, "--seed", new SplittableRandom().nextLong(1_000_000));
        Path reports = reportDir(options);
        try (BlogCluster blog = BlogCluster.start(configurations(options, reports), intOption(options, "--core", 2), intOption(options, "--spot", 4), workDir(options), this::print)) {
            String sql = blog.q39();
            QueryResult faultFree = faultFree(blog, sql);
            LocalExperiment.Outcome outcome = new LocalExperiment(blog.cluster(), blog.fleet(), this::print).run(name, template, seed, sql, faultFree, reports);
            printVerdict(outcome);
            return outcome.correct() ? 0 : 1;
        }
    }

    private int chaos(List<String> positional, Map<String, String> options)
            throws UsageException, InvalidTemplateException, PlanException, IOException, InterruptedException
    {
        if (!positional.isEmpty()) {
            throw new UsageException("chaos takes no arguments, got " + positional);
        }
        rejectOptions(options, "--compare-scale");
        int runs = intOption(options, "--runs", -1);
        if (runs < 1) {
            throw new UsageException("chaos needs --runs N with N >= 1");
        }
        long seed = longOption(options, "--seed", new SplittableRandom().nextLong(1_000_000));
        List<String> names = Optional.ofNullable(options.get("--templates"))
                .map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(text -> !text.isEmpty()).toList())
                .orElse(TemplateSource.SHIPPED);
        Map<String, ExperimentTemplate> templates = new LinkedHashMap<>();
        for (String name : names) {
            templates.put(templateName(name), template(name));
        }
        Path reports = reportDir(options);
        SplittableRandom random = new SplittableRandom(seed);
        out.println("chaos: " + runs + " run(s), seed " + seed + ", templates " + String.join(", ", templates.keySet()));
        int passed = 0;
        List<String> lines = new ArrayList<>();
        try (BlogCluster blog = BlogCluster.start(configurations(options, reports), intOption(options, "--core", 2), intOption(options, "--spot", 4), workDir(options), this::print)) {
            String sql = blog.q39();
            QueryResult faultFree = faultFree(blog, sql);
            List<String> keys = List.copyOf(templates.keySet());
            for (int i = 1; i <= runs; i++) {
                String name = keys.get(random.nextInt(keys.size()));
                long runSeed = random.nextLong(1_000_000);
                out.println("chaos run " + i + "/" + runs + ": " + name + " (seed " + runSeed + ")");
                LocalExperiment.Outcome outcome = new LocalExperiment(blog.cluster(), blog.fleet(), this::print)
                        .run(String.format("chaos-%02d-%s", i, name), templates.get(name), runSeed, sql, faultFree, reports);
                printVerdict(outcome);
                if (outcome.correct()) {
                    passed++;
                }
                lines.add(String.format("run %d %s seed %d: %s, %d query run(s), %d task(s) failed, %d retried", i, name, runSeed,
                        outcome.correct() ? "correct" : "WRONG", outcome.runs().size(), outcome.tasksFailed(), outcome.tasksRetried()));
                if (i < runs) {
                    List<String> replaced = blog.replenish();
                    if (!replaced.isEmpty()) {
                        out.println("replenished " + String.join(", ", replaced));
                    }
                }
            }
        }
        lines.forEach(out::println);
        out.println("chaos: " + passed + " passed, " + (runs - passed) + " failed (" + runs + " runs, seed " + seed + ")");
        return passed == runs ? 0 : 1;
    }

    /** The reference every run under faults is compared with: q39 on the full cluster, nothing injected. */
    private QueryResult faultFree(BlogCluster blog, String sql)
    {
        QueryResult faultFree = blog.faultFree(sql);
        out.printf("fault-free q39: %d rows in %.1f s%n", faultFree.rowCount(), faultFree.wallTime().toMillis() / 1000.0);
        return faultFree;
    }

    private void printVerdict(LocalExperiment.Outcome outcome)
    {
        var verdict = outcome.report().verdict();
        out.println("verdict: " + (verdict.correct() ? "CORRECT" : "WRONG") + " - " + verdict.summary());
        out.printf("  tasks failed %d, task attempts retried %d; run in flight at the start %s, fault-free %s%n",
                outcome.tasksFailed(), outcome.tasksRetried(),
                verdict.runtime().map(time -> String.format("%.1f s", time.toMillis() / 1000.0)).orElse("-"),
                verdict.faultFreeRuntime().map(time -> String.format("%.1f s", time.toMillis() / 1000.0)).orElse("-"));
        out.println("  report: " + outcome.html() + " (data: " + outcome.json().getFileName() + ")");
    }

    private void print(String line)
    {
        out.println(line);
    }

    private static ExperimentTemplate template(String nameOrPath)
            throws UsageException, InvalidTemplateException
    {
        return TemplateReader.parse(TemplateSource.read(nameOrPath), TemplateValidator.RoleArn.OPTIONAL);
    }

    private static String templateName(String nameOrPath)
    {
        String file = Path.of(nameOrPath).getFileName().toString();
        return file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
    }

    private Path reportDir(Map<String, String> options)
    {
        return Optional.ofNullable(options.get("--report-dir")).map(Path::of)
                .orElseGet(() -> home.resolve("reports").resolve(Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14)))
                .toAbsolutePath();
    }

    private static Path workDir(Map<String, String> options)
    {
        return Optional.ofNullable(options.get("--work-dir")).map(dir -> Path.of(dir).toAbsolutePath()).orElse(null);
    }

    private static Path configurations(Map<String, String> options, Path reports)
            throws UsageException
    {
        String given = options.get("--configurations");
        if (given == null) {
            return BlogCluster.blogConfigurations(reports);
        }
        Path file = Path.of(given).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--configurations " + given + ": no such file");
        }
        return file;
    }

    private static void rejectOptions(Map<String, String> options, String... names)
            throws UsageException
    {
        for (String name : names) {
            if (options.containsKey(name)) {
                throw new UsageException(name + " does not go with this command");
            }
        }
    }

    private static int intOption(Map<String, String> options, String name, int defaultValue)
            throws UsageException
    {
        return (int) longOption(options, name, defaultValue);
    }

    private static long longOption(Map<String, String> options, String name, long defaultValue)
            throws UsageException
    {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        }
        catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got '" + value + "'");
        }
    }
}
