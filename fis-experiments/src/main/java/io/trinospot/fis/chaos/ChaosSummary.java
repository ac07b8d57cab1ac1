package io.trinospot.fis.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The series' figures: per fault kind and in all, runs, queries checked, and runs passed, failed loudly and silently
 * wrong; then every run that did not pass, with its outcome's detail and the command that replays it alone.
 *
 * @param kinds the fault kinds the series picked from, one row each even when no run picked it
 * @param replay the command that replays run N, given N
 */
public record ChaosSummary(long seed, List<FaultKind> kinds, List<RunResult> results, IntFunction<String> replay)
{
    private static final List<String> HEADER = List.of("fault", "runs", "queries", "passed", "failed loudly", "silently wrong");

    public ChaosSummary
    {
        kinds = List.copyOf(requireNonNull(kinds, "kinds is null"));
        results = List.copyOf(requireNonNull(results, "results is null"));
        requireNonNull(replay, "replay is null");
    }

    /** One row per fault kind, then {@code all}. */
    public List<List<String>> rows()
    {
        List<List<String>> rows = new ArrayList<>();
        for (FaultKind kind : kinds) {
            rows.add(row(kind.label(), result -> result.run().fault().kind() == kind));
        }
        rows.add(row("all", _ -> true));
        return rows;
    }

    private List<String> row(String name, Predicate<RunResult> filter)
    {
        List<RunResult> selected = results.stream().filter(filter).toList();
        return List.of(
                name,
                String.valueOf(selected.size()),
                String.valueOf(selected.stream().mapToInt(result -> result.queries().size()).sum()),
                String.valueOf(count(selected, QueryCheck.Outcome.PASSED)),
                String.valueOf(count(selected, QueryCheck.Outcome.FAILED_LOUDLY)),
                String.valueOf(count(selected, QueryCheck.Outcome.SILENTLY_WRONG)));
    }

    private static long count(List<RunResult> results, QueryCheck.Outcome outcome)
    {
        return results.stream().filter(result -> result.outcome().outcome() == outcome).count();
    }

    public long count(QueryCheck.Outcome outcome)
    {
        return count(results, outcome);
    }

    /** True when no run was silently wrong: loud failures are allowed, wrong results never. */
    public boolean noneSilentlyWrong()
    {
        return count(QueryCheck.Outcome.SILENTLY_WRONG) == 0;
    }

    /** Every run that did not pass: {@code run N (fault under workload): outcome: detail; replay: command}. */
    public List<String> notPassed()
    {
        return results.stream()
                .filter(result -> result.outcome().outcome() != QueryCheck.Outcome.PASSED)
                .map(result -> String.format(Locale.ROOT, "run %d (%s): %s: %s; replay: %s", result.run().number(), result.run().description(),
                        result.outcome().outcome().label(), result.outcome().detail(), replay.apply(result.run().number())))
                .toList();
    }

    /** The table with its columns aligned, for the console. */
    public List<String> textLines()
    {
        List<List<String>> table = new ArrayList<>();
        table.add(HEADER);
        table.addAll(rows());
        int[] widths = new int[HEADER.size()];
        table.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        List<String> lines = new ArrayList<>();
        for (List<String> row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                // names left, figures right
                line.append(i == 0 ? cell + " ".repeat(widths[i] - cell.length()) : "  " + " ".repeat(widths[i] - cell.length()) + cell);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** The summary as a Markdown document: the table, then the runs that did not pass. */
    public String markdown()
    {
        StringBuilder markdown = new StringBuilder();
        markdown.append("# Chaos series, seed ").append(seed).append("\n\n");
        markdown.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        markdown.append("| --- |").append(" ---: |".repeat(HEADER.size() - 1)).append('\n');
        rows().forEach(row -> markdown.append("| ").append(String.join(" | ", row)).append(" |\n"));
        List<String> notPassed = notPassed();
        if (!notPassed.isEmpty()) {
            markdown.append("\nRuns that did not pass:\n\n");
            notPassed.forEach(line -> markdown.append("- ").append(line.replace("|", "\\|")).append('\n'));
        }
        return markdown.toString();
    }
}
