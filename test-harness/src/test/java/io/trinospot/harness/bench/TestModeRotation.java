package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestModeRotation
{
    @Test
    void rotatesByOneFromQueryToQuery()
    {
        List<String> modes = List.of("NONE", "TASK-LZ4", "TASK-ZSTD");
        assertThat(ModeRotation.forQuery(modes, 0)).containsExactly("NONE", "TASK-LZ4", "TASK-ZSTD");
        assertThat(ModeRotation.forQuery(modes, 1)).containsExactly("TASK-LZ4", "TASK-ZSTD", "NONE");
        assertThat(ModeRotation.forQuery(modes, 2)).containsExactly("TASK-ZSTD", "NONE", "TASK-LZ4");
        assertThat(ModeRotation.forQuery(modes, 3)).isEqualTo(ModeRotation.forQuery(modes, 0));
        assertThat(ModeRotation.forQuery(List.of(), 5)).isEmpty();
    }

    @Test
    void everyModeRunsFirstEquallyOften()
    {
        List<String> modes = List.of("a", "b", "c", "d");
        int[] first = new int[modes.size()];
        for (int query = 0; query < 22; query++) {
            first[modes.indexOf(ModeRotation.forQuery(modes, query).getFirst())]++;
        }
        assertThat(first).containsExactly(6, 6, 5, 5);
    }
}
