package io.trinospot.harness.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Per storage and mode, against NONE measured on the same cluster in the same rounds: the geometric mean of the
 * per-query wall (and CPU) ratios, the totals, and the five queries with the largest wall ratio.
 */
public record FteSummary(String storage, String mode, int queries, double geomeanWallRatio, double geomeanCpuRatio,
        long totalWallMillis, long noneTotalWallMillis, long totalExchangedBytes, List<QueryRatio> worst)
{
    public static final int WORST = 5;

    public record QueryRatio(String query, double ratio) {}

    public FteSummary
    {
        requireNonNull(storage, "storage is null");
        requireNonNull(mode, "mode is null");
        worst = List.copyOf(requireNonNull(worst, "worst is null"));
    }

    public double totalWallRatio()
    {
        return ratio(totalWallMillis, noneTotalWallMillis);
    }

    /** One summary per storage and mode other than NONE, in the order the measurements first name them. */
    public static List<FteSummary> summarize(List<Measurement> measurements)
    {
        Set<List<String>> cells = new LinkedHashSet<>();
        for (Measurement measurement : measurements) {
            if (!measurement.mode().equals(FteMode.NONE.name())) {
                cells.add(List.of(measurement.storage(), measurement.mode()));
            }
        }
        List<FteSummary> summaries = new ArrayList<>();
        for (List<String> cell : cells) {
            summaries.add(summarize(measurements, cell.get(0), cell.get(1)));
        }
        return List.copyOf(summaries);
    }

    static FteSummary summarize(List<Measurement> measurements, String storage, String mode)
    {
        Map<String, Measurement> none = byQuery(measurements, storage, FteMode.NONE.name());
        Map<String, Measurement> measured = byQuery(measurements, storage, mode);
        List<Double> wallRatios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<QueryRatio> ratios = new ArrayList<>();
        long total = 0;
        long noneTotal = 0;
        long exchanged = 0;
        for (Map.Entry<String, Measurement> entry : measured.entrySet()) {
            Measurement baseline = none.get(entry.getKey());
            if (baseline == null) {
                continue;
            }
            Measurement run = entry.getValue();
            double wallRatio = ratio(run.wallMillis(), baseline.wallMillis());
            wallRatios.add(wallRatio);
            cpuRatios.add(ratio(run.cpuMillis(), baseline.cpuMillis()));
            ratios.add(new QueryRatio(entry.getKey(), wallRatio));
            total += run.wallMillis();
            noneTotal += baseline.wallMillis();
            exchanged += run.exchangedBytes();
        }
        List<QueryRatio> worst = ratios.stream()
                .sorted(Comparator.comparingDouble(QueryRatio::ratio).reversed())
                .limit(WORST)
                .toList();
        return new FteSummary(storage, mode, wallRatios.size(), geomean(wallRatios), geomean(cpuRatios), total, noneTotal, exchanged, worst);
    }

    /** Per-query wall ratios of {@code mode} to NONE on {@code storage}, in query order. */
    public static Map<String, Double> wallRatios(List<Measurement> measurements, String storage, String mode)
    {
        Map<String, Measurement> none = byQuery(measurements, storage, FteMode.NONE.name());
        Map<String, Double> ratios = new LinkedHashMap<>();
        byQuery(measurements, storage, mode).forEach((query, run) ->
                Optional.ofNullable(none.get(query)).ifPresent(baseline -> ratios.put(query, ratio(run.wallMillis(), baseline.wallMillis()))));
        return ratios;
    }

    /** Geometric mean; NaN for no values. */
    public static double geomean(List<Double> values)
    {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double logSum = 0;
        for (double value : values) {
            if (!(value > 0)) {
                throw new IllegalArgumentException("Geometric mean of a value that is not positive: " + value);
            }
            logSum += Math.log(value);
        }
        return Math.exp(logSum / values.size());
    }

    /** A ratio of two times, each counted as at least 1 ms: sub-millisecond CPU of a tiny query must not divide by 0. */
    static double ratio(long value, long baseline)
    {
        return (double) Math.max(value, 1) / Math.max(baseline, 1);
    }

    private static Map<String, Measurement> byQuery(List<Measurement> measurements, String storage, String mode)
    {
        Map<String, Measurement> byQuery = new LinkedHashMap<>();
        for (Measurement measurement : measurements) {
            if (measurement.storage().equals(storage) && measurement.mode().equals(mode)) {
                byQuery.put(measurement.query(), measurement);
            }
        }
        return byQuery;
    }
}
