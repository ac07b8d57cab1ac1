package io.trinospot.it;

import io.trinospot.harness.ClusterState;
import io.trinospot.harness.RuntimeLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster CLI from a shell, as a new user runs it: up, sql, kill, status, down. */
class ClusterCliIT
{
    private final Path root = Path.of(System.getProperty("trinospot.project.dir"));
    private Path home;

    @AfterEach
    void down()
            throws Exception
    {
        if (home != null) {
            run("cluster", "down");
        }
    }

    @Test
    void upSqlKillDown()
            throws Exception
    {
        home = Files.createTempDirectory("trino-spot-cli");
        // one table: the copy is what is checked, and each table copied costs CI time
        Result up = run("cluster", "up", "--workers", "2", "--tables", "store_sales");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("Coordinator: http://127.0.0.1:").contains("worker-1").contains("worker-2")
                .containsPattern("(?m)^coordinator active \\(\\d+ s\\)$")
                .containsPattern("(?m)^worker-2 active \\(\\d+ s\\)$");

        Result count = run("cluster", "sql", "SELECT count(*) FROM lake.tpcds_tiny.store_sales");
        assertThat(count.exitCode()).as(count.output()).isZero();
        // TPC-DS tiny has 120527 store_sales rows; the lake copy must have all of them
        assertThat(count.output()).contains("120527").contains("(1 row");

        Result bad = run("cluster", "sql", "SELECT * FROM lake.tpcds_tiny.no_such_table");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.output()).contains("trino-spot cluster sql: ").contains("Query failed").contains("no_such_table");

        Result kill = run("cluster", "kill", "worker-2");
        assertThat(kill.exitCode()).as(kill.output()).isZero();
        Result status = run("cluster", "status");
        assertThat(status.output()).containsPattern("worker-2 +\\| worker +\\| \\d+ +\\| gone");
        // the coordinator's view right after the kill: its node list, or a query it gave up on within the status's bound
        assertThat(status.output()).containsPattern("(?m)^system\\.runtime\\.nodes:\\n(node_id .*|not read \\(the coordinator gives up after 10 s\\): .*)$");

        List<Long> pids = ClusterState.read(home.resolve("cluster.json")).processes().stream().map(ClusterState.Process::pid).toList();
        Result down = run("cluster", "down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(home.resolve("cluster.json")).doesNotExist();
        home = null;
    }

    private Result run(String... args)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(root.resolve("trino-spot").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("TRINO_SPOT_HOME", home.toString());
        builder.environment().put("TRINO_SPOT_SKIP_BUILD", "1");
        builder.environment().put("TRINO_SPOT_RUNTIME_DIR", RuntimeLayout.discover().runtimeDir().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        System.out.println("$ trino-spot " + String.join(" ", args) + "\n" + output);
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {}
}
