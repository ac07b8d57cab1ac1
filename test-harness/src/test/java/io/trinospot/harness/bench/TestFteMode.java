package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestFteMode
{
    @Test
    void parsesModes()
    {
        assertThat(FteMode.parse("none")).isEqualTo(FteMode.NONE);
        assertThat(FteMode.NONE.sessionProperties()).containsExactly(java.util.Map.entry("retry_policy", "NONE"));
        FteMode task = FteMode.parse("task-zstd");
        assertThat(task.name()).isEqualTo("TASK-ZSTD");
        assertThat(task.sessionProperties()).containsEntry("retry_policy", "TASK").containsEntry("exchange_compression_codec", "ZSTD");
        assertThat(FteMode.parse("QUERY-LZ4").retryPolicy()).isEqualTo("QUERY");
    }

    @Test
    void rejectsBadModes()
    {
        assertThatThrownBy(() -> FteMode.parse("TASK")).hasMessageContaining("TASK-LZ4");
        assertThatThrownBy(() -> FteMode.parse("TASK-GZIP")).hasMessageContaining("codec");
        assertThatThrownBy(() -> FteMode.parse("STAGE-LZ4")).hasMessageContaining("retry policy");
        assertThatThrownBy(() -> FteMode.parse("NONE-LZ4")).hasMessageContaining("QUERY or TASK only");
    }

    @Test
    void storagesKeepNoneAndNarrowToTheSelection()
    {
        assertThat(SpoolStorage.HDFS.modes(Set.of())).extracting(FteMode::name).containsExactly("NONE", "TASK-NONE", "TASK-LZ4", "TASK-ZSTD");
        assertThat(SpoolStorage.HDFS.modes(Set.of(FteMode.parse("TASK-LZ4")))).extracting(FteMode::name).containsExactly("NONE", "TASK-LZ4");
        assertThat(SpoolStorage.S3.modes(Set.of(FteMode.parse("TASK-ZSTD")))).containsExactly(FteMode.NONE);
        assertThat(SpoolStorage.parse("spot-local")).isEqualTo(SpoolStorage.SPOT_LOCAL);
        assertThatThrownBy(() -> SpoolStorage.parse("gcs")).hasMessageContaining("hdfs");
    }
}
