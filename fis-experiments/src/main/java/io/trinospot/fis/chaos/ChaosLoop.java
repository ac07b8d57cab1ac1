package io.trinospot.fis.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The chaos series apart from the cluster: says which run of how many starts and what it injects, runs it, prints its
 * outcome, replenishes the fleet for the next, and at the end prints the summary table and writes it as Markdown.
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

    public ChaosLoop(Consumer<String> out)
    {
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * Runs {@code runs} in order on one cluster. {@code replenish} brings the fleet back after each run but the last
     * and returns the workers it replaced; if it fails, the series stops there and the summary covers the runs done.
     *
     * @param replay the command that replays run N alone, for the summary
     */
    public ChaosSummary run(long seed, List<FaultKind> kinds, List<ChaosRun> runs, RunExecutor executor, Supplier<List<String>> replenish, IntFunction<String> replay,
            Path reportDir)
            throws InterruptedException, IOException
    {
        List<RunResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < runs.size(); i++) {
                ChaosRun run = runs.get(i);
                out.accept(String.format(Locale.ROOT, "run %d (%d of %d): %s", run.number(), i + 1, runs.size(), run.description()));
                RunResult result = executor.run(run);
                results.add(result);
                QueryCheck outcome = result.outcome();
                out.accept(String.format(Locale.ROOT, "run %d: %s, %d quer%s checked%s", run.number(), outcome.outcome().label(), result.queries().size(),
                        result.queries().size() == 1 ? "y" : "ies", outcome.detail().isEmpty() ? "" : " - " + outcome.detail()));
                if (i < runs.size() - 1) {
                    List<String> replaced = replenish.get();
                    if (!replaced.isEmpty()) {
                        out.accept("replenished " + String.join(", ", replaced));
                    }
                }
            }
        }
        finally {
            ChaosSummary summary = new ChaosSummary(seed, kinds, results, replay);
            if (results.size() < runs.size()) {
                out.accept("chaos: the series stopped after " + results.size() + " of " + runs.size() + " run(s)");
            }
            summary.textLines().forEach(out);
            summary.notPassed().forEach(out);
            Files.createDirectories(reportDir);
            Path file = reportDir.resolve(SUMMARY_FILE);
            Files.writeString(file, summary.markdown());
            out.accept("summary: " + file);
        }
        ChaosSummary summary = new ChaosSummary(seed, kinds, results, replay);
        out.accept(String.format(Locale.ROOT, "chaos: %d passed, %d failed loudly, %d silently wrong (%d runs, seed %d)",
                summary.count(QueryCheck.Outcome.PASSED), summary.count(QueryCheck.Outcome.FAILED_LOUDLY), summary.count(QueryCheck.Outcome.SILENTLY_WRONG), results.size(), seed));
        return summary;
    }
}
