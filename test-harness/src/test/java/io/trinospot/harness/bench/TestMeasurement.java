package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestMeasurement
{
    @Test
    void medianTakesEachFigureOnItsOwn()
    {
        // the slowest run is not the one that used the most CPU: each figure gets its own median
        List<Measurement> runs = List.of(
                new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 9_000, 1_100, 300, 42),
                new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 4_000, 1_500, 100, 42),
                new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 5_000, 900, 200, 42));
        assertThat(Measurement.median(runs)).isEqualTo(new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 5_000, 1_100, 200, 42));
        assertThat(Measurement.median(runs.subList(0, 1))).isEqualTo(runs.getFirst());
        assertThat(Measurement.median(runs.subList(0, 2))).isEqualTo(new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 6_500, 1_300, 200, 42));
    }

    @Test
    void medianRefusesRunsOfDifferentModes()
    {
        assertThatThrownBy(() -> Measurement.median(List.of(
                new Measurement("tpch:q13", "hdfs", "TASK-LZ4", 1, 1, 1, 1),
                new Measurement("tpch:q13", "hdfs", "NONE", 1, 1, 1, 1))))
                .hasMessageStartingWith("Runs of different queries or modes");
        assertThatThrownBy(() -> Measurement.median(List.of())).hasMessage("No runs");
    }
}
