package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestClusterVariant
{
    @Test
    void variantsWithTheirCoordinatorSettings()
    {
        assertThat(ClusterVariant.parseAll("")).containsExactly(ClusterVariant.DEFAULTS);
        assertThat(ClusterVariant.parseAll("defaults; small-tasks:fault-tolerant-execution-task-memory=256MB, fault-tolerant-execution-task-runtime-memory-estimation-overhead=64MB"))
                .containsExactly(ClusterVariant.DEFAULTS, new ClusterVariant("small-tasks", Map.of(
                        "fault-tolerant-execution-task-memory", "256MB",
                        "fault-tolerant-execution-task-runtime-memory-estimation-overhead", "64MB")));
        assertThat(ClusterVariant.DEFAULTS.storageLabel(SpoolStorage.HDFS, true)).isEqualTo("hdfs");
        assertThat(new ClusterVariant("small-tasks", Map.of()).storageLabel(SpoolStorage.HDFS, false)).isEqualTo("hdfs small-tasks");
    }

    @Test
    void malformedVariantsAreNamed()
    {
        for (List<String> row : List.of(
                List.of("a:x", "Variant 'a:x': 'x' is not key=value"),
                List.of("a:x=", "Variant 'a:x=': 'x=' is not key=value"),
                List.of("a:x=1,x=2", "Variant 'a:x=1,x=2': x is given twice"),
                List.of("a;a", "Variant 'a' is given twice"),
                List.of("Small Tasks", "Variant label 'Small Tasks': lower-case letters, digits and dashes"))) {
            assertThatThrownBy(() -> ClusterVariant.parseAll(row.get(0))).as(row.get(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(row.get(1));
        }
    }
}
