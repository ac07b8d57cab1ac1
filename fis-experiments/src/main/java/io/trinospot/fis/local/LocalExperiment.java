package io.trinospot.fis.local;

import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.HtmlReport;
import io.trinospot.fis.report.PlanEvents;
import io.trinospot.fis.report.ReportJson;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;

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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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

    /** What a run produced; {@code correct} when every query run gave the fault-free rows. */
    public record Outcome(RunPlan plan, List<QueryRun> runs, ExperimentReport report, Path json, Path html, int tasksFailed, int tasksRetried, ExperimentRecorder recorder)
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
        Instant start = Instant.now();
        List<QueryRun> runs = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean planDone = new AtomicBoolean();
        RunPlan plan;
        Instant planStart;
        try (ExperimentRecorder recorder = new ExperimentRecorder(cluster, QUERY_SOURCE, start, out)) {
            Thread queries = Thread.ofPlatform().name("experiment-queries").start(() -> runQueries(start, sql, faultFree, runs, planDone, recorder));
            try {
                awaitFirstQueryRunning(recorder, runs);
                plan = Planner.plan(template, fleet.instances(), seed);
                out.accept("plan: " + plan.description() + " (seed " + seed + ")");
                plan.selected().forEach((target, selected) -> out.accept("  target " + target + ": " + (selected.isEmpty() ? "(none)" : String.join(", ", selected))));
                plan.notes().forEach(note -> out.accept("  note: " + note));
                planStart = Instant.now();
                new PlanPlayer(fleet, Clock.systemUTC(), Thread::sleep, line -> out.accept(String.format("+%5.1fs %s",
                        Duration.between(start, Instant.now()).toMillis() / 1000.0, line.strip()))).play(plan);
            }
            finally {
                planDone.set(true);
            }
            queries.join(QUERY_TIMEOUT);
            if (queries.isAlive()) {
                queries.interrupt();
                throw new IllegalStateException("The experiment's query did not finish within " + QUERY_TIMEOUT.toMinutes() + " minutes after the plan");
            }
            // let the recorder see nodes that are on their way out reach their final state
            Thread.sleep(Duration.ofSeconds(2));
            recorder.close();

            Duration offset = Duration.between(start, planStart);
            List<ExperimentReport.Event> events = new ArrayList<>(recorder.events());
            PlanEvents.of(plan).forEach(event -> events.add(new ExperimentReport.Event(event.at().plus(offset), event.kind(), event.node(), event.detail())));
            events.sort((a, b) -> a.at().compareTo(b.at()));
            ExperimentReport.Verdict verdict = verdict(runs, faultFree, planStart);
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
            return new Outcome(plan, List.copyOf(runs), report, json, html, recorder.failedTaskCount(), recorder.retriedTaskCount(), recorder);
        }
    }

    private void awaitFirstQueryRunning(ExperimentRecorder recorder, List<QueryRun> runs)
            throws InterruptedException
    {
        // the interruption should hit work in flight: wait until the first run has made some progress
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && runs.isEmpty()) {
            List<ExperimentReport.ProgressSample> samples = recorder.progress();
            if (!samples.isEmpty() && samples.getLast().completed() >= 0.05) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private void runQueries(Instant start, String sql, QueryResult faultFree, List<QueryRun> runs, AtomicBoolean planDone, ExperimentRecorder recorder)
    {
        int number = 0;
        do {
            number++;
            Instant started = Instant.now();
            recorder.event(started, EventKind.QUERY_STARTED, Optional.empty(), "run " + number);
            QueryRun run;
            try (Connection connection = cluster.connect(QUERY_SOURCE); Statement statement = connection.createStatement()) {
                QueryResult result = QueryResult.run(statement, sql);
                Optional<String> difference = ResultComparison.differences(faultFree, result);
                run = new QueryRun(number, started, result.wallTime(), Optional.of(result.queryId()).filter(id -> !id.isEmpty()),
                        difference.map(text -> "rows differ from the fault-free run: " + text));
            }
            catch (SQLException e) {
                run = new QueryRun(number, started, Duration.between(started, Instant.now()), Optional.empty(),
                        Optional.of("query failed: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
            }
            runs.add(run);
            String line = String.format("query run %d: %s in %.1f s%s", number, run.correct() ? "correct" : "WRONG",
                    run.wallTime().toMillis() / 1000.0, run.problem().map(problem -> " - " + problem).orElse(", " + faultFree.rowCount() + " rows as fault-free"));
            recorder.event(Instant.now(), EventKind.QUERY_FINISHED, Optional.empty(), line);
            out.accept(String.format("+%5.1fs %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, line));
        }
        while (!planDone.get() && !Thread.currentThread().isInterrupted());
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
