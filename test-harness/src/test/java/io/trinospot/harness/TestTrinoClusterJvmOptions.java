package io.trinospot.harness;

import io.trinospot.config.model.JvmKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestTrinoClusterJvmOptions
{
    @Test
    void nodesStartFromTrinoConfigsOptionsWithTheHarnessOverridesLast()
    {
        List<String> options = TrinoCluster.jvmOptions("1G");

        assertThat(options.getFirst()).isEqualTo("-Xmx1G");
        assertThat(options.subList(1, 1 + JvmKeys.DEFAULT_OPTIONS.size())).isEqualTo(JvmKeys.DEFAULT_OPTIONS);
        assertThat(options.subList(1 + JvmKeys.DEFAULT_OPTIONS.size(), options.size())).isEqualTo(TrinoCluster.JVM_OVERRIDES);
    }

    @Test
    void overridesDoNotRepeatTheSharedList()
    {
        // an override that repeats a default verbatim is a second copy of the defaults growing here
        assertThat(TrinoCluster.JVM_OVERRIDES).doesNotContainAnyElementsOf(JvmKeys.DEFAULT_OPTIONS);
    }
}
