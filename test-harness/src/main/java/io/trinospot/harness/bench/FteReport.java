package io.trinospot.harness.bench;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The benchmark's Markdown: how it ran, the summary per storage and mode, then every timed run. */
public final class FteReport
{
    private FteReport() {}

    /** {@code differences}: every run whose rows differed from NONE, as {@link FteRunner#differences()} words them. */
    public static String markdown(RunInfo run, List<Measurement> measurements, List<FteSummary> summaries, List<String> differences)
    {
        StringBuilder text = new StringBuilder();
        text.append("# What fault tolerance costs\n\n");
        text.append(String.format(Locale.ROOT, "Run %s to %s (%d min), commit %s, load average at start %s, at end %s.%n",
                run.started().truncatedTo(ChronoUnit.SECONDS), run.ended().truncatedTo(ChronoUnit.SECONDS), Duration.between(run.started(), run.ended()).toMinutes(), run.commit(), run.loadAtStart(), run.loadAtEnd()));
        text.append("Queries: ").append(run.queries()).append("; storages: ").append(run.storages()).append(".\n");
        text.append("Each query ran once untimed per mode, then ")
                .append(run.timedRuns() == 1 ? "once timed, the order of the modes rotated from query to query; "
                        : run.timedRuns() + " times timed, the order of the modes rotated from query to query and from one timed round to the next, each mode's median wall and CPU time kept; ")
                .append("ratios are to NONE on the same cluster. Exchanged: the output of every stage but the root one, before compression ")
                .append("(Trino's `stageStats.outputDataSize`), spooled under QUERY and TASK.\n\n");

        if (differences.isEmpty()) {
            text.append("Rows: every run returned the rows of NONE.\n\n");
        }
        else {
            text.append("**Rows: ").append(differences.size()).append(" run(s) differ from NONE.**\n\n");
            differences.forEach(difference -> text.append("    ").append(difference.replace("\n", "\n    ")).append('\n'));
            text.append('\n');
        }

        text.append("## Summary\n\n");
        text.append("| storage | mode | queries | geomean wall × NONE | geomean CPU × NONE | total wall s | NONE total wall s | total × NONE | exchanged MiB | worst five (wall × NONE) |\n");
        text.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (FteSummary summary : summaries) {
            text.append(String.format(Locale.ROOT, "| %s | %s | %d | **%.2f** | %.2f | %.1f | %.1f | %.2f | %.1f | %s |%n",
                    summary.storage(), summary.mode(), summary.queries(), summary.geomeanWallRatio(), summary.geomeanCpuRatio(),
                    summary.totalWallMillis() / 1000.0, summary.noneTotalWallMillis() / 1000.0, summary.totalWallRatio(),
                    mebibytes(summary.totalExchangedBytes()),
                    summary.worst().stream().map(worst -> String.format(Locale.ROOT, "%s %.2f", worst.query(), worst.ratio())).collect(Collectors.joining(", "))));
        }

        text.append("\n## Every timed run\n\n");
        text.append("| query | storage | mode | wall s | wall × NONE | CPU s | CPU × NONE | exchanged MiB | rows |\n");
        text.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Measurement measurement : measurements) {
            Measurement none = noneOf(measurements, measurement);
            text.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %.2f | %s | %.1f | %d |%n",
                    measurement.query(), measurement.storage(), measurement.mode(), measurement.wallMillis() / 1000.0,
                    none == null ? "" : String.format(Locale.ROOT, "%.2f", FteSummary.ratio(measurement.wallMillis(), none.wallMillis())),
                    measurement.cpuMillis() / 1000.0,
                    none == null ? "" : String.format(Locale.ROOT, "%.2f", FteSummary.ratio(measurement.cpuMillis(), none.cpuMillis())),
                    mebibytes(measurement.exchangedBytes()), measurement.rows()));
        }
        return text.toString();
    }

    /** The summary lines printed on stdout. */
    public static String summaryLines(List<FteSummary> summaries)
    {
        return summaries.stream()
                .map(summary -> String.format(Locale.ROOT, "%s %s: geomean wall %.2fx NONE (CPU %.2fx) over %d queries; total %.1f s vs %.1f s; worst %s",
                        summary.storage(), summary.mode(), summary.geomeanWallRatio(), summary.geomeanCpuRatio(), summary.queries(),
                        summary.totalWallMillis() / 1000.0, summary.noneTotalWallMillis() / 1000.0,
                        summary.worst().stream().map(worst -> String.format(Locale.ROOT, "%s %.2fx", worst.query(), worst.ratio())).collect(Collectors.joining(", "))))
                .collect(Collectors.joining("\n"));
    }

    private static Measurement noneOf(List<Measurement> measurements, Measurement measurement)
    {
        if (measurement.mode().equals(FteMode.NONE.name())) {
            return null;
        }
        return measurements.stream()
                .filter(other -> other.storage().equals(measurement.storage()) && other.query().equals(measurement.query()) && other.mode().equals(FteMode.NONE.name()))
                .findFirst()
                .orElse(null);
    }

    private static double mebibytes(long bytes)
    {
        return bytes / (double) (1 << 20);
    }
}
