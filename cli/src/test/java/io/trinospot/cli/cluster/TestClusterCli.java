package io.trinospot.cli.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Option mistakes of {@code cluster up} are caught before anything starts: exit 2 and one line naming the option. */
class TestClusterCli
{
    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args)
    {
        return new ClusterCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), home)
                .run(List.of(args));
    }

    private String firstErrorLine()
    {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void badNodeRefreshIntervalIsRefusedBeforeAnythingStarts()
    {
        assertThat(run("up", "--node-refresh", "fast")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot cluster: --node-refresh must be a duration such as 250ms or 1s, got 'fast'");
        err.reset();
        assertThat(run("up", "--node-refresh")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot cluster: --node-refresh needs a value");
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }

    @Test
    void badWorkerCountIsRefusedBeforeAnythingStarts()
    {
        assertThat(run("up", "--workers", "0")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot cluster: --workers must be between 1 and 16, got 0");
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }
}
