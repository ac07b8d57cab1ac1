package io.trinospot.config.model;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FteKeysTest
{
    @Test
    void workersThatFitOneTaskGetThreePartitionsEach()
    {
        // a 2G heap's pool (1.4G) is below Trino's 5GB task estimate: Trino still places one task on an idle worker
        assertThat(FteKeys.maxPartitionCount(2, "2G", Optional.empty(), Optional.empty())).isEqualTo(6);
        assertThat(FteKeys.maxPartitionCount(3, "2G", Optional.empty(), Optional.empty())).isEqualTo(9);
        assertThat(FteKeys.maxPartitionCount(4, "4096m", Optional.empty(), Optional.empty())).isEqualTo(12);
    }

    @Test
    void biggerWorkersFitMoreTasks()
    {
        // 16G heap, Trino's 30 % headroom: a 11.2G pool holds five 2GB tasks
        assertThat(FteKeys.maxPartitionCount(2, "16G", Optional.empty(), Optional.of("2GB"))).isEqualTo(30);
        // the file's own headroom: 10G of pool holds two 5GB tasks
        assertThat(FteKeys.maxPartitionCount(3, "16g", Optional.of("6GB"), Optional.empty())).isEqualTo(18);
    }

    @Test
    void staysWithinTrinosBounds()
    {
        assertThat(FteKeys.maxPartitionCount(1, "2G", Optional.empty(), Optional.empty())).isEqualTo(FteKeys.MIN_PARTITIONS);
        assertThat(FteKeys.maxPartitionCount(10, "64G", Optional.empty(), Optional.empty())).isEqualTo(FteKeys.MAX_PARTITIONS);
        assertThat(FteKeys.maxPartitionCount(100_000, "64G", Optional.empty(), Optional.of("1MB"))).isEqualTo(FteKeys.MAX_PARTITIONS);
        // a headroom larger than the heap leaves no pool; Trino still runs one task at a time there
        assertThat(FteKeys.maxPartitionCount(3, "2G", Optional.of("4GB"), Optional.empty())).isEqualTo(9);
        assertThatThrownBy(() -> FteKeys.maxPartitionCount(0, "2G", Optional.empty(), Optional.empty())).hasMessageContaining("workers must be at least 1");
    }

    @Test
    void readsTheJvmSizeSyntax()
    {
        assertThat(FteKeys.jvmBytes("2G")).isEqualTo(2L << 30);
        assertThat(FteKeys.jvmBytes("4096m")).isEqualTo(4L << 30);
        assertThat(FteKeys.jvmBytes("512k")).isEqualTo(512L << 10);
        assertThat(FteKeys.jvmBytes("1t")).isEqualTo(1L << 40);
        assertThat(FteKeys.jvmBytes("1048576")).isEqualTo(1L << 20);
    }
}
