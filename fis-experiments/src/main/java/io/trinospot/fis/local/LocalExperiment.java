package io.trinospot.fis.local;

import io.trinospot.fis.plan.Lifecycle;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.HtmlReport;
import io.trinospot.fis.report.PlanEvents;
import io.trinospot.fis.report.ReportDurations;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One FIS experiment on a local cluster: a query runs back to back while the template's plan is played against the
 * fleet; every run is compared with the fault-free result; the timeline becomes a report (JSON and HTML).
 */
public final class LocalExperiment
{
    /** The JDBC source of the experiment's queries; the recorder follows only those. */
    public static final String QUERY_SOURCE = "trino-spot-experiment";
    /** The JDBC source of the experiment's write; the recorder follows it too. */
    public static final String WRITE_SOURCE = QUERY_SOURCE + "-write";
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(15);

    private final TrinoCluster cluster;
    private final HarnessFleet fleet;
    private final Consumer<String> out;

    /** One query run during the experiment. */
    public record QueryRun(int number, Instant started, Duration wallTime, Optional<String> queryId, Optional<String> problem)
    {
        public QueryRun
        {
            requireNonNull(started, "started is null");
            requireNonNull(wallTime, "wallTime is null");
            requireNonNull(queryId, "queryId is null");
            requireNonNull(problem, "problem is null");
        }

        public boolean correct()
        {
            return problem.isEmpty();
        }
    }

    /** The experiment's write: how it ended and how it compared with the fault-free run of its SELECT. */
    public record WriteOutcome(QueryRun run, LakeWrite.Check check)
    {
        public WriteOutcome
        {
            requireNonNull(run, "run is null");
            requireNonNull(check, "check is null");
        }

        public boolean exact()
        {
            return run.correct() && check.exact();
        }
    }

    /** What a run produced; {@code correct} when every query run gave the fault-free rows and the write, if any, is exact. */
    public record Outcome(RunPlan plan, List<QueryRun> runs, Optional<WriteOutcome> write, ExperimentReport report, Path json, Path html, int tasksFailed, int tasksRetried,
            ExperimentRecorder recorder)
    {
        public boolean correct()
        {
            return report.verdict().correct();
        }
    }

    public LocalExperiment(TrinoCluster cluster, HarnessFleet fleet, Consumer<String> out)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.fleet = requireNonNull(fleet, "fleet is null");
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * Plays {@code template} while {@code sql} runs back to back; the first run is in flight when the plan starts, the
     * last one is the run in flight when the plan ends. Writes {@code <reportDir>/<name>.json} and {@code .html}.
     */
    public Outcome run(String name, ExperimentTemplate template, long seed, String sql, QueryResult faultFree, Path reportDir)
            throws PlanException, IOException, InterruptedException
    {
        return run(name, template, seed, sql, () -> faultFree, Optional.empty(), 1, reportDir);
    }

    /**
     * As above, optionally with a write into the lake started with the queries, before the plan. With a write, the
     * fault-free references (the query's and the write's SELECT) run as soon as every worker the plan targets has left
     * scheduling, on the workers no fault touches, while the plan waits for its interruptions; no query run starts
     * after that. The write's SELECT runs only when the lake has no recorded fingerprint of it; a run of it that no
     * fault touched is recorded. Without a write, {@code faultFree} is asked for once the plan is over. The plan's
     * offsets are multiplied by {@code timeScale} (see {@link RunPlan#timeScaled}).
     */
    public Outcome run(String name, ExperimentTemplate template, long seed, String sql, Supplier<QueryResult> faultFree, Optional<LakeWrite> write, double timeScale, Path reportDir)
            throws PlanException, IOException, InterruptedException
    {
        Instant start = Instant.now();
        List<QueryRun> runs = Collections.synchronizedList(new ArrayList<>());
        List<QueryResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<QueryRun> writeRun = new AtomicReference<>();
        AtomicReference<References> references = new AtomicReference<>();
        AtomicBoolean planDone = new AtomicBoolean();
        AtomicBoolean stopStarting = new AtomicBoolean();
        RunPlan plan;
        Instant planStart;
        try (ExperimentRecorder recorder = new ExperimentRecorder(cluster, QUERY_SOURCE, start, out)) {
            Optional<Thread> writer = write.map(lakeWrite -> Thread.ofPlatform().name("experiment-write").start(() -> writeRun.set(runWrite(start, lakeWrite, recorder))));
            Thread queries = Thread.ofPlatform().name("experiment-queries").start(() -> runQueries(start, sql, runs, results, stopStarting, recorder));
            Optional<Thread> referenceRuns = Optional.empty();
            try {
                awaitWork(recorder, runs, write.isPresent());
                plan = Planner.plan(template, fleet.instances(), seed).timeScaled(timeScale);
                out.accept("plan: " + plan.description() + " (seed " + seed + ")");
                plan.selected().forEach((target, selected) -> out.accept("  target " + target + ": " + (selected.isEmpty() ? "(none)" : String.join(", ", selected))));
                plan.notes().forEach(note -> out.accept("  note: " + note));
                planStart = Instant.now();
                if (write.isPresent()) {
                    Set<String> targets = plan.selected().values().stream().flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));
                    referenceRuns = Optional.of(Thread.ofPlatform().name("experiment-references").start(
                            () -> references.set(runReferences(start, targets, faultFree, write.get(), recorder, planDone, stopStarting))));
                }
                new PlanPlayer(fleet, Clock.systemUTC(), Thread::sleep, line -> out.accept(String.format("+%5.1fs %s",
                        Duration.between(start, Instant.now()).toMillis() / 1000.0, line.strip()))).play(plan);
            }
            finally {
                planDone.set(true);
                stopStarting.set(true);
            }
            join(queries, "The experiment's query");
            if (writer.isPresent()) {
                join(writer.get(), "The experiment's write");
            }
            if (referenceRuns.isPresent()) {
                join(referenceRuns.get(), "The fault-free reference runs");
            }
            // let the recorder see nodes that are on their way out reach their final state
            Thread.sleep(Duration.ofSeconds(2));
            recorder.close();

            References reference = write.isPresent() ? references.get() : new References(faultFree.get(), Optional.empty(), List.of());
            if (reference == null) {
                throw new IllegalStateException("The fault-free reference runs ended without a result");
            }
            Optional<WriteOutcome> writeOutcome = write.map(lakeWrite -> checkWrite(lakeWrite, writeRun.get(), reference.write().orElseThrow()));
            List<QueryRun> checked = compare(runs, results, reference.query());

            Duration offset = Duration.between(start, planStart);
            List<ExperimentReport.Event> events = new ArrayList<>(recorder.events());
            PlanEvents.of(plan).forEach(event -> events.add(new ExperimentReport.Event(event.at().plus(offset), event.kind(), event.node(), event.detail())));
            events.sort((a, b) -> a.at().compareTo(b.at()));
            ExperimentReport.Verdict verdict = verdict(checked, reference, planStart, writeOutcome);
            ExperimentReport report = new ExperimentReport(
                    "trino-spot local FIS run: " + name,
                    name,
                    start,
                    Duration.between(start, Instant.now()),
                    recorder.nodes(),
                    events,
                    recorder.progress(),
                    recorder.tasks(),
                    verdict);
            Files.createDirectories(reportDir);
            Path json = reportDir.resolve(name + ".json");
            Path html = reportDir.resolve(name + ".html");
            Files.writeString(json, ReportJson.write(report));
            Files.writeString(html, HtmlReport.render(report));
            return new Outcome(plan, checked, writeOutcome, report, json, html, recorder.failedTaskCount(), recorder.retriedTaskCount(), recorder);
        }
    }

    /**
     * The fault-free results: the query's, the write's SELECT's (when there is a write), and why either cannot count
     * as fault-free (a task of it ran on a worker the plan targets).
     */
    private record References(QueryResult query, Optional<LakeWrite.Fingerprint> write, List<String> problems)
    {
        private References
        {
            requireNonNull(query, "query is null");
            requireNonNull(write, "write is null");
            problems = List.copyOf(requireNonNull(problems, "problems is null"));
        }
    }

    private References runReferences(Instant start, Set<String> targets, Supplier<QueryResult> faultFree, LakeWrite write, ExperimentRecorder recorder,
            AtomicBoolean planDone, AtomicBoolean stopStarting)
    {
        try {
            while (!planDone.get() && !targets.stream().allMatch(recorder::leftScheduling)) {
                Thread.sleep(Duration.ofMillis(200));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the targeted workers to leave scheduling", e);
        }
        // the query runs so far show the notice's effect; more runs would only compete with the write
        stopStarting.set(true);
        out.accept(String.format("+%5.1fs every targeted worker has left scheduling: the fault-free reference runs start, on the workers no fault touches",
                Duration.between(start, Instant.now()).toMillis() / 1000.0));
        Optional<RecordedReference> recorded = write.recordedReference(cluster, out);
        recorded.ifPresent(reference -> out.accept(String.format(
                "+%5.1fs fault-free run of the write's SELECT: %s, as recorded on this lake by its run %s at %s (delete %s to run it again)",
                Duration.between(start, Instant.now()).toMillis() / 1000.0, reference.fingerprint(), reference.queryId(), reference.recorded(), write.referenceFile(cluster))));
        // both at once: each waits for task slots on the on-demand workers, and neither should wait for the other
        Optional<CompletableFuture<QueryResult>> writeReference = recorded.isPresent() ? Optional.empty() : Optional.of(startWriteReference(start, write));
        List<String> problems = new ArrayList<>();
        QueryResult query = faultFree.get();
        touchedTargets(recorder, query.queryId(), targets).ifPresent(problems::add);
        if (recorded.isPresent()) {
            return new References(query, Optional.of(recorded.get().fingerprint()), problems);
        }
        QueryResult written = writeReference.orElseThrow().join();
        Optional<String> writeTouched = touchedTargets(recorder, written.queryId(), targets);
        writeTouched.ifPresent(problems::add);
        LakeWrite.Fingerprint fingerprint = LakeWrite.Fingerprint.of(written);
        if (writeTouched.isEmpty()) {
            // only a run no fault touched stands for later runs
            write.recordReference(cluster, new RecordedReference(fingerprint, written.queryId(), Instant.now()));
        }
        return new References(query, Optional.of(fingerprint), problems);
    }

    /** The fault-free run of the write's SELECT, on a thread of its own. */
    private CompletableFuture<QueryResult> startWriteReference(Instant start, LakeWrite write)
    {
        CompletableFuture<QueryResult> writeReference = new CompletableFuture<>();
        Thread.ofPlatform().name("experiment-write-reference").start(() -> {
            try {
                long begin = System.nanoTime();
                QueryResult result = cluster.query(write.faultFreeSql(), write.referenceSessionProperties());
                out.accept(String.format("+%5.1fs fault-free run of the write's SELECT: %s in %.1f s", Duration.between(start, Instant.now()).toMillis() / 1000.0,
                        LakeWrite.Fingerprint.of(result), (System.nanoTime() - begin) / 1e9));
                writeReference.complete(result);
            }
            catch (RuntimeException | Error e) {
                writeReference.completeExceptionally(e);
            }
        });
        return writeReference;
    }

    /** Why a reference run is not fault-free: a task of it ran on a worker the plan targets. */
    private static Optional<String> touchedTargets(ExperimentRecorder recorder, String queryId, Set<String> targets)
    {
        if (queryId.isEmpty()) {
            return Optional.of("a fault-free reference run has no query id, so where its tasks ran is unknown");
        }
        Optional<Set<String>> nodes = recorder.taskNodesOf(queryId);
        if (nodes.isEmpty()) {
            return Optional.of("the coordinator did not say where the tasks of fault-free reference run " + queryId + " ran");
        }
        Set<String> touched = new TreeSet<>(nodes.get());
        touched.retainAll(targets);
        return touched.isEmpty() ? Optional.empty() : Optional.of("fault-free reference run " + queryId + " had tasks on targeted workers " + touched);
    }

    private static void join(Thread thread, String what)
            throws InterruptedException
    {
        thread.join(QUERY_TIMEOUT);
        if (thread.isAlive()) {
            thread.interrupt();
            throw new IllegalStateException(what + " did not finish within " + QUERY_TIMEOUT.toMinutes() + " minutes after the plan");
        }
    }

    private QueryRun runWrite(Instant start, LakeWrite write, ExperimentRecorder recorder)
    {
        Instant started = Instant.now();
        recorder.event(started, EventKind.QUERY_STARTED, Optional.empty(), "write " + write.table());
        QueryRun run;
        try (Connection connection = cluster.connect(WRITE_SOURCE, write.sessionProperties()); Statement statement = connection.createStatement()) {
            QueryResult result = QueryResult.run(statement, write.createSql());
            // a CREATE TABLE AS gives the driver no query id; the coordinator's list has it
            run = new QueryRun(0, started, result.wallTime(), recorder.queryIdOf(WRITE_SOURCE), Optional.empty());
        }
        catch (SQLException e) {
            run = new QueryRun(0, started, Duration.between(started, Instant.now()), Optional.empty(),
                    Optional.of("write failed: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
        }
        String line = String.format("write %s: %s in %.1f s", write.table(), run.correct() ? "committed" : "FAILED", run.wallTime().toMillis() / 1000.0)
                + run.queryId().map(id -> " (query " + id + ")").orElse("") + run.problem().map(problem -> " - " + problem).orElse("");
        recorder.event(Instant.now(), EventKind.QUERY_FINISHED, Optional.empty(), line);
        out.accept(String.format("+%5.1fs %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, line));
        return run;
    }

    private WriteOutcome checkWrite(LakeWrite write, QueryRun run, LakeWrite.Fingerprint faultFree)
    {
        LakeWrite.Check check = write.check(cluster, faultFree, run.correct());
        out.accept("write checked against the fault-free run of its SELECT: " + check.summary());
        write.drop(cluster);
        return new WriteOutcome(run, check);
    }

    /** Each run that completed, judged against the fault-free result; failed runs keep their failure. */
    private static List<QueryRun> compare(List<QueryRun> runs, List<QueryResult> results, QueryResult faultFree)
    {
        List<QueryRun> checked = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            QueryRun run = runs.get(i);
            QueryResult result = results.get(i);
            if (run.correct() && result != null) {
                Optional<String> difference = ResultComparison.differences(faultFree, result);
                run = new QueryRun(run.number(), run.started(), run.wallTime(), run.queryId(), difference.map(text -> "rows differ from the fault-free run: " + text));
            }
            checked.add(run);
        }
        return List.copyOf(checked);
    }

    /**
     * The interruption should hit work in flight: waits until the first query run has made some progress and, with a
     * write, until the write's parallel scan runs on a Spot worker (at most a minute either way).
     */
    private void awaitWork(ExperimentRecorder recorder, List<QueryRun> runs, boolean write)
            throws InterruptedException
    {
        Set<String> spotWorkers = cluster.workers().stream().filter(node -> HarnessFleet.lifecycle(node) == Lifecycle.SPOT).map(TrinoNode::name)
                .collect(Collectors.toSet());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && runs.isEmpty()) {
            List<ExperimentReport.ProgressSample> samples = recorder.progress();
            boolean queryInFlight = !samples.isEmpty() && samples.getLast().completed() >= 0.05;
            boolean writeSpread = !write || recorder.queryIdOf(WRITE_SOURCE)
                    .map(id -> writeReadyForNotice(recorder.tasks(), id, spotWorkers))
                    .orElse(false);
            if (queryInFlight && writeSpread) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /**
     * Whether a stage of {@code queryId} runs two tasks or more at once, one of them on a Spot worker (the write's
     * scan of the inventory, a task per file), and no single-task stage of it still runs on a Spot worker (the scans
     * of its small dimensions, which come first and usually end within seconds, but not always on a loaded machine):
     * the notice then meets only the work that cannot finish in the window, which the agents fail early.
     */
    static boolean writeReadyForNotice(List<ExperimentReport.TaskAttempt> attempts, String queryId, Set<String> spotWorkers)
    {
        Map<String, List<ExperimentReport.TaskAttempt>> runningByStage = attempts.stream()
                .filter(attempt -> attempt.taskId().startsWith(queryId + ".") && attempt.state().equals("RUNNING"))
                .collect(Collectors.groupingBy(attempt -> attempt.taskId().split("\\.")[1]));
        boolean parallelOnSpot = runningByStage.values().stream()
                .anyMatch(stage -> stage.size() >= 2 && stage.stream().anyMatch(attempt -> spotWorkers.contains(attempt.node())));
        boolean singleOnSpot = runningByStage.values().stream()
                .anyMatch(stage -> stage.size() == 1 && spotWorkers.contains(stage.getFirst().node()));
        return parallelOnSpot && !singleOnSpot;
    }

    private void runQueries(Instant start, String sql, List<QueryRun> runs, List<QueryResult> results, AtomicBoolean stopStarting, ExperimentRecorder recorder)
    {
        int number = 0;
        do {
            number++;
            Instant started = Instant.now();
            recorder.event(started, EventKind.QUERY_STARTED, Optional.empty(), "run " + number);
            QueryRun run;
            QueryResult result = null;
            try (Connection connection = cluster.connect(QUERY_SOURCE); Statement statement = connection.createStatement()) {
                result = QueryResult.run(statement, sql);
                run = new QueryRun(number, started, result.wallTime(), Optional.of(result.queryId()).filter(id -> !id.isEmpty()), Optional.empty());
            }
            catch (SQLException e) {
                run = new QueryRun(number, started, Duration.between(started, Instant.now()), Optional.empty(),
                        Optional.of("query failed: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
            }
            synchronized (runs) {
                runs.add(run);
                results.add(result);
            }
            String line = String.format("query run %d: %s in %.1f s", number, result != null ? result.rowCount() + " rows" : "FAILED",
                    run.wallTime().toMillis() / 1000.0) + run.problem().map(problem -> " - " + problem).orElse("");
            recorder.event(Instant.now(), EventKind.QUERY_FINISHED, Optional.empty(), line);
            out.accept(String.format("+%5.1fs %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, line));
        }
        while (!stopStarting.get() && !Thread.currentThread().isInterrupted());
    }

    private static ExperimentReport.Verdict verdict(List<QueryRun> runs, References reference, Instant planStart, Optional<WriteOutcome> write)
    {
        ExperimentReport.Verdict queries = verdict(runs, reference.query(), planStart);
        boolean correct = queries.correct() && reference.problems().isEmpty();
        StringBuilder summary = new StringBuilder(queries.summary());
        if (write.isPresent()) {
            WriteOutcome outcome = write.get();
            correct &= outcome.exact();
            summary.append("; ").append(outcome.run().problem().orElse("the write committed in " + ReportDurations.format(outcome.run().wallTime())))
                    .append(", ").append(outcome.check().summary());
        }
        reference.problems().forEach(problem -> summary.append("; ").append(problem));
        return new ExperimentReport.Verdict(correct, summary.toString(), queries.runtime(), queries.faultFreeRuntime());
    }

    private static ExperimentReport.Verdict verdict(List<QueryRun> runs, QueryResult faultFree, Instant planStart)
    {
        List<QueryRun> wrong = runs.stream().filter(run -> !run.correct()).toList();
        // the run that was in flight when the plan started is the one the faults hit hardest
        Optional<Duration> runtime = runs.stream().filter(run -> !run.started().isAfter(planStart)).findFirst().map(QueryRun::wallTime);
        String summary;
        if (runs.isEmpty()) {
            summary = "no query run completed";
        }
        else if (wrong.isEmpty()) {
            summary = runs.size() + " run(s) during the experiment, each " + faultFree.rowCount() + " rows identical to the fault-free run";
        }
        else {
            summary = wrong.size() + " of " + runs.size() + " run(s) wrong: "
                    + wrong.stream().map(run -> "run " + run.number() + " " + run.problem().orElseThrow()).collect(Collectors.joining("; "));
        }
        return new ExperimentReport.Verdict(!runs.isEmpty() && wrong.isEmpty(), summary, runtime, Optional.of(faultFree.wallTime()));
    }
}
