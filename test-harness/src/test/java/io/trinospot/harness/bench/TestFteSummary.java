package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TestFteSummary
{
    @Test
    void geometricMean()
    {
        assertThat(FteSummary.geomean(List.of(2.0, 8.0))).isCloseTo(4.0, within(1e-12));
        assertThat(FteSummary.geomean(List.of(1.1))).isCloseTo(1.1, within(1e-12));
        assertThat(FteSummary.geomean(List.of(0.5, 2.0, 1.0))).isCloseTo(1.0, within(1e-12));
        assertThat(FteSummary.geomean(List.of())).isNaN();
        assertThatThrownBy(() -> FteSummary.geomean(List.of(1.0, 0.0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summarizesEachModeAgainstNoneOfItsOwnStorage()
    {
        List<Measurement> measurements = new ArrayList<>();
        // hdfs: NONE 1000 ms each; TASK-LZ4 ratios 1.0, 2.0, 1.5, 1.2, 1.1, 4.0
        double[] ratios = {1.0, 2.0, 1.5, 1.2, 1.1, 4.0};
        for (int query = 0; query < ratios.length; query++) {
            measurements.add(new Measurement("q" + query, "hdfs", "NONE", 1000, 500, 1 << 20, 3));
            measurements.add(new Measurement("q" + query, "hdfs", "TASK-LZ4", Math.round(1000 * ratios[query]), 1000, 2 << 20, 3));
        }
        // another storage's NONE is twice as slow: its ratios must not mix with hdfs's
        measurements.add(new Measurement("q0", "s3", "NONE", 2000, 500, 0, 3));
        measurements.add(new Measurement("q0", "s3", "TASK-LZ4", 3000, 500, 0, 3));

        List<FteSummary> summaries = FteSummary.summarize(measurements);
        assertThat(summaries).extracting(summary -> summary.storage() + " " + summary.mode()).containsExactly("hdfs TASK-LZ4", "s3 TASK-LZ4");

        FteSummary hdfs = summaries.getFirst();
        assertThat(hdfs.queries()).isEqualTo(6);
        assertThat(hdfs.geomeanWallRatio()).isCloseTo(FteSummary.geomean(List.of(1.0, 2.0, 1.5, 1.2, 1.1, 4.0)), within(1e-9));
        assertThat(hdfs.geomeanCpuRatio()).isCloseTo(2.0, within(1e-9));
        assertThat(hdfs.totalWallMillis()).isEqualTo(10800);
        assertThat(hdfs.noneTotalWallMillis()).isEqualTo(6000);
        assertThat(hdfs.totalWallRatio()).isCloseTo(1.8, within(1e-9));
        assertThat(hdfs.totalExchangedBytes()).isEqualTo(12L << 20);
        assertThat(hdfs.worst()).extracting(FteSummary.QueryRatio::query).containsExactly("q5", "q1", "q2", "q3", "q4");

        FteSummary s3 = summaries.get(1);
        assertThat(s3.queries()).isEqualTo(1);
        assertThat(s3.geomeanWallRatio()).isCloseTo(1.5, within(1e-9));
        assertThat(FteSummary.wallRatios(measurements, "s3", "TASK-LZ4")).containsExactly(java.util.Map.entry("q0", 1.5));
    }

    @Test
    void queryWithoutNoneIsLeftOut()
    {
        List<Measurement> measurements = List.of(
                new Measurement("q1", "local", "NONE", 100, 0, 0, 1),
                new Measurement("q1", "local", "TASK-LZ4", 150, 0, 0, 1),
                new Measurement("q2", "local", "TASK-LZ4", 900, 0, 0, 1));
        FteSummary summary = FteSummary.summarize(measurements).getFirst();
        assertThat(summary.queries()).isEqualTo(1);
        assertThat(summary.geomeanWallRatio()).isCloseTo(1.5, within(1e-9));
        // sub-millisecond CPU counts as 1 ms, not as a division by zero
        assertThat(summary.geomeanCpuRatio()).isEqualTo(1.0);
    }
}
