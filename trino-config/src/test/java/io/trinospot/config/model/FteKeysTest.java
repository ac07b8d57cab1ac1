package io.trinospot.config.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FteKeysTest
{
    @Test
    void twoPartitionsPerWorkerCore()
    {
        assertThat(FteKeys.maxPartitionCount(4)).isEqualTo(8);
        assertThat(FteKeys.maxPartitionCount(12)).isEqualTo(24);
    }

    @Test
    void staysWithinTrinosBounds()
    {
        assertThat(FteKeys.maxPartitionCount(1)).isEqualTo(4);
        assertThat(FteKeys.maxPartitionCount(2)).isEqualTo(4);
        assertThat(FteKeys.maxPartitionCount(25)).isEqualTo(50);
        // ten 16-vCPU workers: Trino's own 50
        assertThat(FteKeys.maxPartitionCount(160)).isEqualTo(50);
        assertThat(FteKeys.maxPartitionCount(Integer.MAX_VALUE)).isEqualTo(50);
        assertThatThrownBy(() -> FteKeys.maxPartitionCount(0)).hasMessageContaining("workerCores must be at least 1");
    }
}
