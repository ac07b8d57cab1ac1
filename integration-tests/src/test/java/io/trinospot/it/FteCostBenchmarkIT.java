package io.trinospot.it;

import io.trinospot.config.model.Defaults;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.Lake;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.bench.BenchmarkQueries;
import io.trinospot.harness.bench.BenchmarkQuery;
import io.trinospot.harness.bench.ClusterVariant;
import io.trinospot.harness.bench.FteMode;
import io.trinospot.harness.bench.FteReport;
import io.trinospot.harness.bench.FteRunner;
import io.trinospot.harness.bench.FteSummary;
import io.trinospot.harness.bench.RatioChart;
import io.trinospot.harness.bench.RunInfo;
import io.trinospot.harness.bench.SpoolStorage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What fault tolerance costs: a query set in every retry mode, one cluster per spool storage (the exchange manager is
 * per cluster), each also running NONE so that every ratio is taken within one cluster and one run. Runs only when
 * asked, e.g. {@code -Dtrinospot.fte.queries=tpch} (all 22 TPC-H queries), or a short run with
 * {@code -Dtrinospot.fte.queries=tpch:q1,q3,q6 -Dtrinospot.fte.storages=hdfs -Dtrinospot.fte.modes=NONE,TASK-LZ4};
 * optional {@code -Dtrinospot.fte.scale=sf1} (TPC-H scale), {@code -Dtrinospot.fte.workers=3}, and
 * {@code -Dtrinospot.fte.timed-runs=3} (each mode's median of three timed runs), and
 * {@code -Dtrinospot.fte.variants=defaults;small-tasks:fault-tolerant-execution-task-memory=256MB} to compare
 * coordinator settings (a cluster per storage and variant, see {@link ClusterVariant}).
 * Writes {@code target/fte-benchmark.md} and {@code target/fte-benchmark.svg}; fails if any run's rows differ from NONE.
 */
class FteCostBenchmarkIT
{
    @Test
    void benchmark()
            throws IOException
    {
        String selection = System.getProperty("trinospot.fte.queries", "");
        assumeTrue(!selection.isBlank(), "set -Dtrinospot.fte.queries=tpch (or tpch:q1,q3,q6, tpcds, tpch,tpcds) to run the FTE cost benchmark");
        List<BenchmarkQuery> queries = BenchmarkQueries.select(selection, System.getProperty("trinospot.fte.scale", "sf1"));
        List<SpoolStorage> storages = Arrays.stream(System.getProperty("trinospot.fte.storages", "local,spot-local,hdfs,s3").split(","))
                .filter(name -> !name.isBlank())
                .map(SpoolStorage::parse)
                .toList();
        Set<FteMode> modes = Arrays.stream(System.getProperty("trinospot.fte.modes", "").split(","))
                .filter(name -> !name.isBlank())
                .map(FteMode::parse)
                .collect(Collectors.toSet());
        int workers = Integer.getInteger("trinospot.fte.workers", 3);
        int timedRuns = Integer.getInteger("trinospot.fte.timed-runs", 1);
        List<ClusterVariant> variants = ClusterVariant.parseAll(System.getProperty("trinospot.fte.variants", ""));
        Set<Dataset> datasets = queries.stream().map(BenchmarkQuery::dataset).collect(Collectors.toCollection(LinkedHashSet::new));

        Path markdown = Path.of("target", "fte-benchmark.md").toAbsolutePath();
        Path chart = Path.of("target", "fte-benchmark.svg").toAbsolutePath();
        Files.createDirectories(markdown.getParent());
        Instant started = Instant.now();
        String loadAtStart = RunInfo.loadAverage();
        String commit = RunInfo.gitCommit(Path.of(System.getProperty("trinospot.project.dir", ".")));
        String storageNames = storages.stream().map(storage -> storage.label() + " (" + storage.modes(modes).stream().map(FteMode::name).collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining("; "))
                + (variants.equals(List.of(ClusterVariant.DEFAULTS)) ? "" : "; coordinator settings " + variants.stream()
                        .map(variant -> variant.label() + " " + (variant.coordinatorProperties().isEmpty() ? "(Trino's defaults)" : variant.coordinatorProperties().toString()))
                        .collect(Collectors.joining(", ")));
        System.out.printf("FTE cost benchmark: %d queries, storages %s, commit %s, load average %s%n", queries.size(), storageNames, commit, loadAtStart);

        FteRunner runner = new FteRunner(System.out::println, timedRuns);
        for (SpoolStorage storage : storages) {
            List<FteMode> storageModes = storage.modes(modes);
            if (storageModes.size() < 2) {
                System.out.println("skipping " + storage.label() + ": none of its modes selected");
                continue;
            }
            for (ClusterVariant variant : variants) {
                ClusterSpec.Builder spec = ClusterSpec.builder()
                        .workers(workers)
                        .taskRetries(storage.exchange())
                        // as trino-config renders it under TASK: a task that fails now and then (Trino 483 has a rare
                        // race in its memory contexts) holds back the query's scheduling 1 s, not Trino's 10 s
                        .property("retry-initial-delay", Defaults.TASK_RETRY_INITIAL_DELAY)
                        .lake(LakeStorage.S3);
                variant.coordinatorProperties().forEach(spec::coordinatorProperty);
                String label = variant.storageLabel(storage, variants.size() == 1);
                try (TrinoCluster cluster = TrinoCluster.start(spec.build(), System.out::println)) {
                    for (Dataset dataset : datasets) {
                        Lake.ensure(cluster, dataset, System.out::println);
                    }
                    System.out.printf("%s: %s, coordinator settings %s, modes %s%n", label, storage.description(),
                            variant.coordinatorProperties().isEmpty() ? "Trino's defaults" : variant.coordinatorProperties(), storageModes);
                    runner.run(cluster, label, storageModes, queries, true);
                }
                write(runner, new RunInfo(started, Instant.now(), commit, loadAtStart, RunInfo.loadAverage(), selection, storageNames, timedRuns), queries, markdown, chart);
            }
        }

        List<FteSummary> summaries = FteSummary.summarize(runner.measurements());
        System.out.println(FteReport.summaryLines(summaries));
        System.out.printf("load average at start %s, at end %s; commit %s%n", loadAtStart, RunInfo.loadAverage(), commit);
        System.out.println("table: " + markdown);
        System.out.println("plot: " + chart);
        runner.assertSameRows();
    }

    private static void write(FteRunner runner, RunInfo run, List<BenchmarkQuery> queries, Path markdown, Path chart)
            throws IOException
    {
        List<FteSummary> summaries = FteSummary.summarize(runner.measurements());
        Files.writeString(markdown, FteReport.markdown(run, runner.measurements(), summaries, runner.differences()));
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        for (FteSummary summary : summaries) {
            ratios.put(summary.storage() + " " + summary.mode(), FteSummary.wallRatios(runner.measurements(), summary.storage(), summary.mode()));
        }
        String subtitle = "commit " + run.commit() + ", " + run.started().truncatedTo(ChronoUnit.SECONDS) + ", load average " + run.loadAtStart() + " at start, " + run.loadAtEnd() + " at end";
        Files.writeString(chart, RatioChart.svg("Wall time × NONE per query, NONE on the same cluster", subtitle, queries.stream().map(BenchmarkQuery::id).toList(), ratios));
    }
}
