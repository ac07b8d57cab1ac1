package io.trinospot.watcher.trino;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestTaskId
{
    @Test
    void readsTheFourParts()
    {
        assertThat(TaskId.parse("20261203_104210_00082_n7r5v.1.0.1")).contains(new TaskId("20261203_104210_00082_n7r5v", 1, 0, 1));
    }

    @Test
    void anythingElseIsNotATaskId()
    {
        assertThat(TaskId.parse("20261203_104210_00082_n7r5v.1")).as("a stage id").isEmpty();
        assertThat(TaskId.parse("20261203_104210_00082_n7r5v.x.0.0")).isEmpty();
        assertThat(TaskId.parse("join")).isEmpty();
        assertThat(TaskId.parse(".1.0.0")).isEmpty();
    }
}
