package io.trinospot.fis.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The chaos series apart from the cluster: says which run of how many starts and what it injects, runs it, records
 * and prints its outcome, replenishes the fleet for the next, and at the end prints the summary table and writes it as
 * Markdown. Runs the journal already holds are not run again.
 */
public final class ChaosLoop
{
    public static final String SUMMARY_FILE = "chaos-summary.md";

    /** Runs one chaos run on the cluster already started; never throws for what the run's queries or fault did. */
    @FunctionalInterface
    public interface RunExecutor
    {
        RunResult run(ChaosRun run)
                throws InterruptedException;
    }

    private final Consumer<String> out;
    private final InstantSource clock;
    private final BooleanSupplier stopping;

    public ChaosLoop(Consumer<String> out)
    {
        this(out, InstantSource.system(), ChaosLoop::jvmShuttingDown);
    }

    /**
     * @param stopping whether the series is being stopped from outside (Ctrl-C, SIGTERM): the cluster's processes are
     * then going away under the run in flight, so its outcome says nothing about the fault and is not recorded
     */
    public ChaosLoop(Consumer<String> out, InstantSource clock, BooleanSupplier stopping)
    {
        this.out = requireNonNull(out, "out is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.stopping = requireNonNull(stopping, "stopping is null");
    }

    // The JDK has no query for this; it refuses new shutdown hooks once shutdown has begun, before any hook runs.
    static boolean jvmShuttingDown()
    {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        }
        catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * Runs those of {@code runs} that {@code journal} does not hold yet, in order, on one cluster, recording each as
     * it ends. {@code replenish} brings the fleet back after each run but the last and returns the workers it
     * replaced; if it fails, the series stops there and the summary covers the runs done. The summary covers every
     * run of {@code runs} the journal holds, earlier sittings' included.
     *
     * @param replay the command that replays run N alone, for the summary
     */
    public ChaosSummary run(long seed, List<FaultKind> kinds, List<ChaosRun> runs, ChaosJournal journal, RunExecutor executor, Supplier<List<String>> replenish,
            IntFunction<String> replay, Path reportDir)
            throws InterruptedException, IOException
    {
        journal.notes().forEach(out);
        List<ChaosRun> toRun = runs.stream().filter(run -> !journal.done(run.number())).toList();
        if (toRun.size() < runs.size()) {
            out.accept(String.format(Locale.ROOT, "resuming: %d of %d runs recorded earlier in %s", runs.size() - toRun.size(), runs.size(), journal.file()));
        }
        int ran = 0;
        ChaosSummary summary;
        try {
            for (int i = 0; i < toRun.size(); i++) {
                ChaosRun run = toRun.get(i);
                out.accept(String.format(Locale.ROOT, "run %d (%d of %d): %s", run.number(), runs.size() - toRun.size() + i + 1, runs.size(), run.description()));
                Instant start = clock.instant();
                RunResult result = executor.run(run);
                Duration took = Duration.between(start, clock.instant());
                if (stopping.getAsBoolean()) {
                    out.accept(String.format(Locale.ROOT, "run %d: cut short after %.1f s by the series being stopped; not recorded (--resume runs it again)",
                            run.number(), took.toMillis() / 1000.0));
                    break;
                }
                journal.record(result, took);
                ran++;
                QueryCheck outcome = result.outcome();
                out.accept(String.format(Locale.ROOT, "run %d: %s, %d quer%s checked in %.1f s%s", run.number(), outcome.outcome().label(), result.queries().size(),
                        result.queries().size() == 1 ? "y" : "ies", took.toMillis() / 1000.0, outcome.detail().isEmpty() ? "" : " - " + outcome.detail()));
                if (i < toRun.size() - 1) {
                    List<String> replaced = replenish.get();
                    if (!replaced.isEmpty()) {
                        out.accept("replenished " + String.join(", ", replaced));
                    }
                }
            }
        }
        finally {
            summary = summary(seed, kinds, runs, journal, replay);
            if (ran < toRun.size()) {
                out.accept("chaos: the series stopped after " + summary.results().size() + " of " + runs.size() + " run(s); --resume with this --report-dir continues it");
            }
            summary.textLines().forEach(out);
            summary.notPassed().forEach(out);
            Files.createDirectories(reportDir);
            Path file = reportDir.resolve(SUMMARY_FILE);
            Files.writeString(file, summary.markdown());
            out.accept("summary: " + file);
        }
        List<Duration> times = journal.entries().stream().map(ChaosJournal.Entry::took).toList();
        out.accept(String.format(Locale.ROOT, "chaos: %d passed, %d failed loudly, %d silently wrong (%d runs, seed %d); run time mean %.1f s, max %.1f s",
                summary.count(QueryCheck.Outcome.PASSED), summary.count(QueryCheck.Outcome.FAILED_LOUDLY), summary.count(QueryCheck.Outcome.SILENTLY_WRONG),
                summary.results().size(), seed,
                times.stream().mapToLong(Duration::toMillis).average().orElse(0) / 1000.0,
                times.stream().mapToLong(Duration::toMillis).max().orElse(0) / 1000.0));
        return summary;
    }

    private static ChaosSummary summary(long seed, List<FaultKind> kinds, List<ChaosRun> runs, ChaosJournal journal, IntFunction<String> replay)
    {
        Set<Integer> wanted = runs.stream().map(ChaosRun::number).collect(Collectors.toSet());
        List<RunResult> results = journal.entries().stream()
                .map(ChaosJournal.Entry::result)
                .filter(result -> wanted.contains(result.run().number()))
                .sorted(Comparator.comparingInt(result -> result.run().number()))
                .toList();
        return new ChaosSummary(seed, kinds, results, replay);
    }
}
