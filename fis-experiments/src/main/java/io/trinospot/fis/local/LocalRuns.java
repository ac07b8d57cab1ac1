package io.trinospot.fis.local;

import io.trinospot.fis.chaos.ChaosJournal;
import io.trinospot.fis.chaos.ChaosLoop;
import io.trinospot.fis.chaos.ChaosRun;
import io.trinospot.fis.chaos.ChaosSeries;
import io.trinospot.fis.chaos.ChaosSummary;
import io.trinospot.fis.chaos.ClusterChaos;
import io.trinospot.fis.chaos.FaultKind;
import io.trinospot.fis.chaos.StorageFaults;
import io.trinospot.fis.chaos.Workload;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.report.EarlyFailures;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.NodeState;
import io.trinospot.fis.report.ReportDurations;
import io.trinospot.fis.report.SpotWorkerTasks;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The runs that need a real local cluster: the demo, one template, and chaos (seeded faults one after another on one
 * cluster). Each starts the AWS blog post's cluster, tells its progress line by line, returns whether every query run was
 * correct, and leaves nothing running.
 */
public final class LocalRuns
{
    public static final String DEMO_TEMPLATE = "emr-trino-interrupter";
    public static final int DEFAULT_CORE_WORKERS = 2;
    public static final int DEFAULT_SPOT_WORKERS = 4;
    /** The AWS blog post's second finding adds this many Spot workers to the replenished fleet. */
    private static final int SCALE_OUT_WORKERS = 4;
    private static final int SCALE_RUNS = 3;
    private static final DateTimeFormatter REPORT_DIR_NAME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Consumer<String> out;

    /**
     * The cluster to start.
     *
     * @param configurations EMR configurations every node's etc/ is rendered from; empty for the AWS blog post's
     * @param workDir where the nodes' directories go (kept afterwards); empty for a temporary directory
     */
    public record Cluster(Optional<Path> configurations, int coreWorkers, int spotWorkers, Optional<Path> workDir)
    {
        public Cluster
        {
            requireNonNull(configurations, "configurations is null");
            requireNonNull(workDir, "workDir is null");
        }

        public static Cluster blog(Optional<Path> configurations, Optional<Path> workDir)
        {
            return new Cluster(configurations, DEFAULT_CORE_WORKERS, DEFAULT_SPOT_WORKERS, workDir);
        }
    }

    /** @param out told every progress line, as it happens */
    public LocalRuns(Consumer<String> out)
    {
        this.out = requireNonNull(out, "out is null");
    }

    /** {@code <home>/reports/<UTC time as yyyyMMddHHmmss>}: a new directory per run, sorted by time. */
    public static Path defaultReportDir(Path home, Instant now)
    {
        return home.resolve("reports").resolve(REPORT_DIR_NAME.format(now));
    }

    /**
     * The AWS blog post's experiment: its cluster, its template on all Spot workers mid-q39. Passes when every query run was
     * correct and every Spot worker went shutting_down and was gone at the end. With {@code compareScale}, then the
     * AWS blog post's second finding (see {@link #compareScale}). Below 1, {@code timeScale} shortens the notices and
     * the write alike, so the write's tasks on the Spot workers are as far from done within the notice as at full length.
     */
    public boolean demo(ExperimentTemplate template, Cluster cluster, Path reportDir, boolean compareScale, double timeScale)
            throws PlanException, IOException, InterruptedException
    {
        out.accept("trino-spot demo: the AWS blog post's experiment on this machine");
        int weekStride = LakeWrite.weekStride(timeScale);
        if (timeScale != 1) {
            out.accept(String.format(Locale.ROOT, "time scale %s: the template's offsets are multiplied by it, and the write reads a copy of every %s week of the inventory",
                    timeScale, weekStride == 2 ? "other" : weekStride + "th"));
        }
        try (BlogCluster blog = start(cluster, reportDir)) {
            String sql = blog.q39();
            LakeWrite write = new LakeWrite(BlogCluster.Q39_TABLES.qualifiedLakeSchema(), REPORT_DIR_NAME.format(Instant.now()), LakeWrite.TOKEN_ROUNDS, weekStride);
            if (write.prepare(blog.cluster())) {
                out.accept("copied the inventory into " + write.source() + ", in " + LakeWrite.SOURCE_FILES + " files: the write's source (once per lake)");
            }
            out.accept("q39 runs back to back; beside it a long ETL write, " + write.table() + " (CREATE TABLE AS SELECT: the weekly inventory, denormalised, each row with a key-stretched token)");
            // The fault-free references run once every Spot worker has left scheduling, on the on-demand workers, while
            // the plan waits for the interruptions: the first q39 run, the JIT's warm-up, is then the one the notice hits.
            Memo<QueryResult> faultFree = new Memo<>(() -> {
                QueryResult result = blog.faultFree(sql);
                out.accept(String.format(Locale.ROOT, "fault-free q39: %d rows in %.1f s", result.rowCount(), result.wallTime().toMillis() / 1000.0));
                return result;
            });
            LocalExperiment.Outcome outcome = new LocalExperiment(blog.cluster(), blog.fleet(), out)
                    .run(DEMO_TEMPLATE, template, 1, sql, faultFree, Optional.of(write), timeScale, reportDir);
            Map<String, List<NodeState>> states = new LinkedHashMap<>();
            blog.spotWorkers().forEach(worker -> states.put(worker, outcome.recorder().statesOf(worker)));
            List<String> problems = new ArrayList<>(spotWorkerProblems(states));
            problems.addAll(tasksAfterShutdown(outcome.report(), blog.spotWorkers()));
            outcome.write().flatMap(written -> written.run().queryId())
                    .ifPresent(queryId -> problems.addAll(writeProblems(outcome.report(), queryId, blog.spotWorkers())));
            printVerdict(outcome);
            states.forEach((worker, seen) -> out.accept("  " + worker + ": " + String.join(" -> ", seen.stream().map(NodeState::label).toList())));
            problems.forEach(problem -> out.accept("demo check failed: " + problem));
            boolean passed = outcome.correct() && problems.isEmpty();
            out.accept(passed ? "demo: PASSED - the query and the write survived the Spot interruption of all " + states.size() + " Spot workers" : "demo: FAILED");
            if (compareScale) {
                passed &= compareScale(blog, sql, faultFree.get());
            }
            return passed;
        }
        finally {
            out.accept("all processes stopped");
        }
    }


    /**
     * What the demo promises of each Spot worker: the watcher shut it down gracefully on the notice (shutting_down
     * seen), and the interruption took it away (gone at the end).
     */
    static List<String> spotWorkerProblems(Map<String, List<NodeState>> statesByWorker)
    {
        List<String> problems = new ArrayList<>();
        statesByWorker.forEach((worker, states) -> {
            if (!states.contains(NodeState.SHUTTING_DOWN)) {
                problems.add(worker + " never showed shutting_down (states " + states + ")");
            }
            if (states.isEmpty() || states.getLast() != NodeState.GONE) {
                problems.add(worker + " is not gone at the end (states " + states + ")");
            }
        });
        return problems;
    }

    /** Computes once, on first use. */
    private static final class Memo<T>
            implements Supplier<T>
    {
        private final Supplier<T> supplier;
        private T value;

        Memo(Supplier<T> supplier)
        {
            this.supplier = requireNonNull(supplier, "supplier is null");
        }

        @Override
        public synchronized T get()
        {
            if (value == null) {
                value = requireNonNull(supplier.get(), "supplier returned null");
            }
            return value;
        }
    }

    /**
     * Tasks the coordinator created on a Spot worker after the recorder saw it list that worker as shutting down:
     * there should be none, since the scheduler places nothing on a worker that is not active.
     */
    static List<String> tasksAfterShutdown(ExperimentReport report, List<String> spotWorkers)
    {
        List<String> problems = new ArrayList<>();
        for (ExperimentReport.Node node : report.nodes()) {
            if (!spotWorkers.contains(node.name())) {
                continue;
            }
            Optional<Duration> shuttingDown = node.states().stream()
                    .filter(change -> change.state() == NodeState.SHUTTING_DOWN)
                    .map(ExperimentReport.StateChange::at)
                    .findFirst();
            if (shuttingDown.isEmpty()) {
                continue;
            }
            report.tasks().stream()
                    .filter(attempt -> attempt.node().equals(node.name()) && attempt.started().compareTo(shuttingDown.get()) > 0)
                    .forEach(attempt -> problems.add("task " + attempt.taskId() + " started on " + node.name() + " at +" + ReportDurations.format(attempt.started())
                            + ", after it showed shutting_down at +" + ReportDurations.format(shuttingDown.get())));
        }
        return problems;
    }

    /**
     * What the demo promises of the write: every Spot worker that ran part of it after its notice had at least one of
     * its tasks failed early by its spot-watcher, and every such task ran again on another worker.
     */
    static List<String> writeProblems(ExperimentReport report, String writeQueryId, List<String> spotWorkers)
    {
        List<String> problems = new ArrayList<>();
        List<EarlyFailures.EarlyFailure> failures = EarlyFailures.of(report).stream()
                .filter(failure -> failure.failed().taskId().startsWith(writeQueryId + "."))
                .toList();
        for (String worker : spotWorkers) {
            Optional<Duration> notice = report.firstEvent(worker, EventKind.SPOT_NOTICE);
            // part of the write under the notice: an attempt on it not over before its notice
            boolean ranPart = notice.isPresent() && report.tasks().stream().anyMatch(attempt -> attempt.node().equals(worker)
                    && attempt.taskId().startsWith(writeQueryId + ".") && attempt.ended().filter(ended -> ended.compareTo(notice.get()) < 0).isEmpty());
            if (ranPart && failures.stream().noneMatch(failure -> failure.failed().node().equals(worker))) {
                problems.add(worker + " ran part of the write, but no task of it there was failed early");
            }
        }
        for (EarlyFailures.EarlyFailure failure : failures) {
            if (failure.rerun().filter(rerun -> !rerun.node().equals(failure.failed().node())).isEmpty()) {
                problems.add("the write's task " + failure.failed().taskId() + ", failed early on " + failure.failed().node() + ", was not rerun on another worker");
            }
        }
        return problems;
    }

    /**
     * Every Spot worker gets a rebalance recommendation and no notice, twice: with the agent's defaults, which leave
     * every worker active; then with draining on (the watchers restarted) and a floor of all workers but two, where
     * the first two of the pool to count should drain and the others stay: how many did is printed, not judged, since
     * agents that count while the coordinator is too busy to list the others' drains yet all see the same workers.
     * True when every q39 run was correct, no Spot worker left active with the defaults, and the on-demand workers
     * stayed active throughout.
     */
    public boolean rebalance(Cluster cluster, Path reportDir, Duration observe)
            throws IOException, InterruptedException
    {
        out.accept("trino-spot fis rebalance: a rebalance recommendation, and no notice, to every Spot worker of the AWS blog post's cluster");
        try (BlogCluster blog = start(cluster, reportDir)) {
            String sql = blog.q39();
            RebalanceRun run = new RebalanceRun(blog, sql, faultFree(blog, sql), out);
            int spot = blog.spotWorkers().size();
            int floor = cluster.coreWorkers() + spot - 2;
            List<RebalanceRun.PhaseResult> results = List.of(
                    run.run(new RebalanceRun.Phase("the agent's defaults (watcher.rebalance.drain-enabled=false)", Map.of(), 0, 0, observe)),
                    run.run(new RebalanceRun.Phase("draining on, floor " + floor + " other active workers (watcher.rebalance.min-active-workers), default max-delay",
                            Map.of("watcher.rebalance.drain-enabled", "true", "watcher.rebalance.min-active-workers", String.valueOf(floor)),
                            0, spot, observe)));
            RebalanceRun.PhaseResult floored = results.getLast();
            out.accept(String.format(Locale.ROOT, "floor %d: %s (%d Spot workers drained, %d allowed; fewest active workers %d)", floor,
                    floored.drained() <= Math.min(2, spot) ? "held" : "not held", floored.drained(), Math.min(2, spot), floored.fewestActiveWorkers()));
            boolean passed = results.stream().allMatch(RebalanceRun.PhaseResult::passed);
            out.accept(passed ? "rebalance: PASSED - the cluster kept serving q39 while every Spot worker had a rebalance recommendation" : "rebalance: FAILED");
            return passed;
        }
        finally {
            out.accept("all processes stopped");
        }
    }

    /** One template on a fresh cluster; true when every query run was correct. */
    public boolean runOne(String name, ExperimentTemplate template, long seed, Cluster cluster, Path reportDir)
            throws PlanException, IOException, InterruptedException
    {
        try (BlogCluster blog = start(cluster, reportDir)) {
            String sql = blog.q39();
            QueryResult faultFree = faultFree(blog, sql);
            LocalExperiment.Outcome outcome = new LocalExperiment(blog.cluster(), blog.fleet(), out).run(name, template, seed, sql, faultFree, reportDir);
            printVerdict(outcome);
            return outcome.correct();
        }
    }

    /**
     * The chaos series on one cluster: {@code runs} (a whole seeded series, or one run of it replayed alone), each
     * injecting its fault while its workload runs, every query checked against its fault-free result, the fleet
     * replenished between runs as EMR's instance fleets do. Prints the summary table and writes it to
     * {@code <reportDir>/}{@value ChaosLoop#SUMMARY_FILE}.
     *
     * @param replay the command that replays run N alone
     */
    public ChaosSummary chaos(Map<String, ExperimentTemplate> templates, ChaosSeries series, List<ChaosRun> runs, ChaosJournal journal, double timeScale, Cluster cluster,
            Path reportDir, IntFunction<String> replay)
            throws IOException, InterruptedException
    {
        if (runs.stream().allMatch(run -> journal.done(run.number()))) {
            out.accept("chaos: every run of the series is recorded in " + journal.file() + "; nothing to run");
            return new ChaosLoop(out).run(series.seed(), series.faults(), runs, journal, run -> {
                throw new IllegalStateException("run " + run.number() + " is recorded already");
            }, List::of, replay, reportDir);
        }
        out.accept("chaos: " + runs.size() + " run(s) of seed " + series.seed() + "; faults " + series.faults().stream().map(FaultKind::label).collect(Collectors.joining(", "))
                + "; workloads " + series.workloads().stream().map(Workload::label).collect(Collectors.joining(", "))
                + (series.faults().contains(FaultKind.SPOT_NOTICE) ? "; templates " + String.join(", ", templates.keySet()) : ""));
        try (BlogCluster blog = start(cluster, reportDir, StorageFaults.storage(series.faults()))) {
            ClusterChaos executor = new ClusterChaos(blog, templates, series.seed(), timeScale, out);
            executor.prepare(runs.stream().map(ChaosRun::workload).distinct().toList());
            return new ChaosLoop(out).run(series.seed(), series.faults(), runs, journal, executor, blog::replenish, replay, reportDir);
        }
        finally {
            out.accept("all processes stopped");
        }
    }

    /**
     * The AWS blog post's second finding: after EMR replaced the reclaimed capacity, 10 workers ran q39 faster than 6. Here the
     * fleet is replenished, q39 timed, 4 Spot workers added, q39 timed again; every run checked for correctness.
     */
    private boolean compareScale(BlogCluster blog, String sql, QueryResult faultFree)
    {
        List<String> replaced = blog.replenish();
        out.accept("compare-scale: fleet replenished (" + String.join(", ", replaced) + "); timing q39 on " + blog.cluster().workers().size() + " workers");
        Optional<List<Double>> before = timeRuns(blog, sql, faultFree);
        int workersBefore = blog.cluster().workers().size();
        for (int i = 1; i <= SCALE_OUT_WORKERS; i++) {
            String name = "spot-" + (blog.spotWorkers().size() + 1);
            blog.addSpotWorker(name);
            out.accept("compare-scale: added " + name);
        }
        int workersAfter = blog.cluster().workers().size();
        Optional<List<Double>> after = timeRuns(blog, sql, faultFree);
        if (before.isEmpty() || after.isEmpty()) {
            out.accept("compare-scale: FAILED - a run gave wrong rows or failed");
            return false;
        }
        double medianBefore = median(before.get());
        double medianAfter = median(after.get());
        out.accept(String.format(Locale.ROOT, "compare-scale: q39 median of %d runs: %d workers %.1f s %s, %d workers %.1f s %s; %d/%d = %.2f (the AWS blog post on EMR: 2.33 -> 1.57 min, 0.67)",
                SCALE_RUNS, workersBefore, medianBefore, before.get(), workersAfter, medianAfter, after.get(), workersAfter, workersBefore, medianAfter / medianBefore));
        out.accept("compare-scale: every node here shares the same " + Runtime.getRuntime().availableProcessors()
                + " cores, so more workers add coordination, not compute; on EC2 each worker brings its own instance");
        return true;
    }

    /** Each run's wall time in seconds (one decimal); empty when a run gave other rows than the fault-free run. */
    private Optional<List<Double>> timeRuns(BlogCluster blog, String sql, QueryResult faultFree)
    {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < SCALE_RUNS; i++) {
            QueryResult result = blog.cluster().query(sql);
            Optional<String> difference = ResultComparison.differences(faultFree, result);
            if (difference.isPresent()) {
                out.accept("compare-scale: run gave other rows than the fault-free run: " + difference.get());
                return Optional.empty();
            }
            seconds.add(Math.round(result.wallTime().toMillis() / 100.0) / 10.0);
        }
        return Optional.of(seconds);
    }

    static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private BlogCluster start(Cluster cluster, Path reportDir)
    {
        return start(cluster, reportDir, BlogCluster.Storage.PLAIN);
    }

    private BlogCluster start(Cluster cluster, Path reportDir, BlogCluster.Storage storage)
    {
        Path configurations = cluster.configurations().orElseGet(() -> BlogCluster.blogConfigurations(reportDir));
        return BlogCluster.start(configurations, cluster.coreWorkers(), cluster.spotWorkers(), cluster.workDir().orElse(null), storage, out);
    }

    /** The reference every run under faults is compared with: q39 on the full cluster, nothing injected. */
    private QueryResult faultFree(BlogCluster blog, String sql)
    {
        QueryResult faultFree = blog.faultFree(sql);
        out.accept(String.format(Locale.ROOT, "fault-free q39: %d rows in %.1f s", faultFree.rowCount(), faultFree.wallTime().toMillis() / 1000.0));
        return faultFree;
    }

    private void printVerdict(LocalExperiment.Outcome outcome)
    {
        verdictLines(outcome.report(), outcome.tasksFailed(), outcome.tasksRetried(), outcome.html(), outcome.json()).forEach(out);
    }

    /** The verdict as the console shows it: correct or not, task counts, run times, what each Spot worker's tasks did. */
    static List<String> verdictLines(ExperimentReport report, int tasksFailed, int tasksRetried, Path html, Path json)
    {
        ExperimentReport.Verdict verdict = report.verdict();
        List<String> lines = new ArrayList<>();
        lines.add("verdict: " + (verdict.correct() ? "CORRECT" : "WRONG") + " - " + verdict.summary());
        lines.add(String.format(Locale.ROOT, "  tasks failed %d, task attempts retried %d; run in flight at the start %s, fault-free %s",
                tasksFailed, tasksRetried,
                verdict.runtime().map(ReportDurations::format).orElse("-"),
                verdict.faultFreeRuntime().map(ReportDurations::format).orElse("-")));
        for (SpotWorkerTasks worker : SpotWorkerTasks.of(report)) {
            lines.add("  " + worker.line());
        }
        List<EarlyFailures.EarlyFailure> failures = EarlyFailures.of(report);
        if (!failures.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "  %d task(s) failed early by spot-watchers, %.1f task-seconds saved against waiting for the kill:",
                    failures.size(), EarlyFailures.saved(failures).toMillis() / 1000.0));
            failures.forEach(failure -> lines.add("    " + failure.line()));
        }
        lines.add("  report: " + html + " (data: " + json.getFileName() + ")");
        return lines;
    }
}
