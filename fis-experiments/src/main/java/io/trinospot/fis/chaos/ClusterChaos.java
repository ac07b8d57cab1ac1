package io.trinospot.fis.chaos;

import io.trinospot.fis.local.BlogCluster;
import io.trinospot.fis.local.LakeWrite;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.plan.Planner;
import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.plan.TimeScale;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Chaos runs on the AWS blog post's cluster: the run's workload runs back to back from the start, its fault is
 * injected while it runs, no query starts once the fault is over, and every query is checked against its fault-free
 * result as it ends. The fleet is replenished by the caller between runs.
 */
public final class ClusterChaos
        implements ChaosLoop.RunExecutor
{
    /**
     * Rounds of the ETL write's row token, against the demo's 32: its SELECT took 42 s here without faults, a whole
     * write 2 minutes under a SIGSTOP with another cluster running beside it.
     */
    static final int ETL_TOKEN_ROUNDS = 2;
    /** A query that hangs under a fault fails loudly after this, instead of stopping the series. */
    private static final String QUERY_MAX_RUN_TIME = "15m";

    private final BlogCluster blog;
    private final TrinoCluster cluster;
    private final Map<String, ExperimentTemplate> templates;
    private final long seed;
    private final double timeScale;
    private final Consumer<String> out;
    private final String q39;
    private QueryResult q39Reference;
    private LakeWrite.Fingerprint etlReference;

    /**
     * @param seed the series' seed: the ETL's tables are named after it and the run
     * @param timeScale what spot-notice plans' offsets are multiplied by (1 plays them as FIS would; see {@link RunPlan#timeScaled})
     */
    public ClusterChaos(BlogCluster blog, Map<String, ExperimentTemplate> templates, long seed, double timeScale, Consumer<String> out)
    {
        this.timeScale = TimeScale.check(timeScale);
        this.blog = requireNonNull(blog, "blog is null");
        this.cluster = blog.cluster();
        this.templates = Map.copyOf(requireNonNull(templates, "templates is null"));
        this.seed = seed;
        this.out = requireNonNull(out, "out is null");
        this.q39 = blog.q39();
    }

    /** Runs each workload of the series once without faults, before any fault: the results every run must match. */
    public void prepare(List<Workload> workloads)
    {
        if (workloads.contains(Workload.Q39)) {
            q39Reference = cluster.query(q39, readProperties());
            out.accept(String.format(Locale.ROOT, "fault-free q39: %d rows in %.1f s", q39Reference.rowCount(), q39Reference.wallTime().toMillis() / 1000.0));
        }
        if (workloads.contains(Workload.ETL)) {
            LakeWrite write = write(0, 0);
            if (write.prepare(cluster)) {
                out.accept("copied the inventory into " + write.source() + ": the ETL write's source (once per lake)");
            }
            QueryResult result = cluster.query(write.faultFreeSql(), write.referenceSessionProperties());
            etlReference = LakeWrite.Fingerprint.of(result);
            out.accept(String.format(Locale.ROOT, "fault-free ETL write's SELECT: %s in %.1f s", etlReference, result.wallTime().toMillis() / 1000.0));
        }
    }

    @Override
    public RunResult run(ChaosRun run)
            throws InterruptedException
    {
        if ((run.workload() == Workload.Q39 ? q39Reference : etlReference) == null) {
            throw new IllegalStateException("No fault-free result of " + run.workload().label() + ": prepare() was not given it");
        }
        Instant start = Instant.now();
        return FaultWindow.run(run, query -> {
            QueryCheck check = runOnce(run, query);
            out.accept(String.format(Locale.ROOT, "+%5.1fs %s #%d: %s%s", seconds(start), run.workload().label(), query, check.outcome().label(),
                    check.detail().isEmpty() ? "" : " - " + check.detail()));
            return check;
        }, () -> inject(run.fault(), Instant.now(), start), line -> out.accept(String.format(Locale.ROOT, "+%5.1fs %s", seconds(start), line)));
    }

    private void inject(Fault fault, Instant workloadStarted, Instant start)
            throws PlanException, IOException, InterruptedException
    {
        Duration wait = Duration.between(Instant.now(), workloadStarted.plus(fault.after()));
        if (wait.isPositive()) {
            Thread.sleep(wait);
        }
        Consumer<String> progress = line -> out.accept(String.format(Locale.ROOT, "+%5.1fs %s", seconds(start), line.strip()));
        switch (fault.kind()) {
            case SPOT_NOTICE -> {
                String name = fault.template().orElseThrow();
                ExperimentTemplate template = requireNonNull(templates.get(name), () -> "no template named " + name);
                RunPlan plan = Planner.plan(template, blog.fleet().instances(), fault.planSeed()).timeScaled(timeScale);
                progress.accept("plan: " + plan.description() + " (seed " + fault.planSeed() + ")");
                plan.notes().forEach(note -> progress.accept("  note: " + note));
                new PlanPlayer(blog.fleet(), Clock.systemUTC(), Thread::sleep, progress).play(plan);
            }
            case WORKER_SIGKILL -> {
                String worker = fault.worker().orElseThrow();
                requireRunning(worker);
                // as an EC2 termination: replenishing brings up a fresh instance in its place
                blog.fleet().terminate(worker);
                progress.accept(worker + " SIGKILLed");
            }
            case WORKER_SIGSTOP -> {
                String worker = fault.worker().orElseThrow();
                requireRunning(worker);
                ManagedProcess process = cluster.node(worker).process();
                process.freeze();
                progress.accept(worker + " SIGSTOPped for " + fault.frozen().toSeconds() + " s");
                try {
                    Thread.sleep(fault.frozen());
                }
                finally {
                    process.thaw();
                    progress.accept(worker + " SIGCONTed");
                }
            }
            case S3_ERROR_BURST -> StorageFaults.burst(cluster.s3FaultProxy(), fault.burst().orElseThrow(), Thread::sleep, progress);
            case DATANODE_KILL -> StorageFaults.killDataNode(cluster.hdfs(), fault.dataNode().orElseThrow(), progress);
        }
    }

    private void requireRunning(String worker)
    {
        if (!cluster.node(worker).isAlive()) {
            throw new IllegalStateException(worker + " is not running");
        }
    }

    private QueryCheck runOnce(ChaosRun run, int query)
    {
        try {
            return switch (run.workload()) {
                case Q39 -> read();
                case ETL -> write(write(run.number(), query));
            };
        }
        catch (RuntimeException e) {
            // whatever else broke, the run records it rather than losing its workload thread
            return QueryCheck.classify(Optional.of(e), Optional.empty());
        }
    }

    private QueryCheck read()
    {
        QueryResult result;
        try {
            result = cluster.query(q39, readProperties());
        }
        catch (RuntimeException e) {
            return QueryCheck.classify(Optional.of(e), Optional.empty());
        }
        return QueryCheck.classify(Optional.empty(), ResultComparison.differences(q39Reference, result));
    }

    private QueryCheck write(LakeWrite write)
    {
        Map<String, String> properties = new LinkedHashMap<>(write.sessionProperties());
        properties.put("query_max_run_time", QUERY_MAX_RUN_TIME);
        removeOrphanedDirectoryQuietly(write);
        try {
            cluster.query(write.createSql(), properties);
        }
        catch (RuntimeException e) {
            dropQuietly(write);
            return QueryCheck.classify(Optional.of(e), Optional.empty());
        }
        try {
            LakeWrite.Check check = write.check(cluster, etlReference, true);
            return QueryCheck.classify(Optional.empty(), check.exact() ? Optional.empty() : Optional.of(check.summary()));
        }
        catch (RuntimeException e) {
            // the write succeeded but its table could not be read back: the user would see that error too
            return QueryCheck.classify(Optional.of(new IllegalStateException("checking the written table: " + QueryCheck.errorLine(e), e)), Optional.empty());
        }
        finally {
            dropQuietly(write);
        }
    }

    /** A series cut off mid-write and resumed finds the cut attempt's files: the harness's leftovers, not the system's. */
    private void removeOrphanedDirectoryQuietly(LakeWrite write)
    {
        try {
            int removed = write.removeOrphanedDirectory(cluster);
            if (removed > 0) {
                out.accept("removed " + removed + " object(s) a cut-off attempt left in the directory of " + write.table());
            }
        }
        catch (RuntimeException e) {
            out.accept("could not look for a cut-off attempt's files of " + write.table() + ": " + QueryCheck.errorLine(e));
        }
    }

    private void dropQuietly(LakeWrite write)
    {
        try {
            write.drop(cluster);
        }
        catch (RuntimeException e) {
            out.accept("could not drop " + write.table() + ": " + QueryCheck.errorLine(e));
        }
    }

    /** The ETL write of query {@code query} of run {@code run}, in a table of its own. */
    private LakeWrite write(int run, int query)
    {
        return new LakeWrite(BlogCluster.Q39_TABLES.qualifiedLakeSchema(), String.format(Locale.ROOT, "chaos_%s_%d_%d", Long.toHexString(seed), run, query), ETL_TOKEN_ROUNDS);
    }

    private static Map<String, String> readProperties()
    {
        return Map.of("query_max_run_time", QUERY_MAX_RUN_TIME);
    }

    private static double seconds(Instant start)
    {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
