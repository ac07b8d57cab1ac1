package io.trinospot.cli.cluster;

import io.trinospot.harness.ClusterState;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.LakeStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code cluster} does without starting a cluster: option mistakes of {@code up} are refused before anything
 * starts (exit 2, one line naming the option), and the other commands answer from the state file.
 */
class TestClusterCli
{
    // above Linux's pid_max, so no process has it
    private static final long NO_SUCH_PID = Integer.MAX_VALUE;

    @TempDir
    Path home;

    private ClusterRun run(String subcommand, String... args)
    {
        return ClusterRun.run(Stream.concat(Stream.of(subcommand, "--home", home.toString()), Stream.of(args)).toArray(String[]::new));
    }

    private void assertUsageError(ClusterRun run, String line)
    {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(line);
        assertThat(run.out()).isEmpty();
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }

    private void writeState(long pid)
    {
        ClusterState.Process coordinator = new ClusterState.Process("coordinator", "coordinator", pid, Instant.EPOCH,
                home.resolve("cluster/coordinator/var/log/server.log"), 8080, Map.of());
        ClusterState.Process worker = new ClusterState.Process("worker-1", "worker", NO_SUCH_PID, Instant.EPOCH,
                home.resolve("cluster/worker-1/var/log/server.log"), 8081, Map.of("capacity", "spot"));
        new ClusterState("test", "-Dtrinospot.owner=detached-test-" + home.getFileName(), "http://127.0.0.1:8080", home.resolve("cluster"),
                List.of(coordinator, worker)).write(home.resolve("cluster.json"));
    }

    @Test
    void badNodeRefreshIntervalIsRefusedBeforeAnythingStarts()
    {
        assertUsageError(run("up", "--node-refresh", "fast"),
                "trino-spot cluster up: Invalid value for option '--node-refresh': must be a duration such as 250ms or 1s, got 'fast' (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--node-refresh"),
                "trino-spot cluster up: Missing required parameter for option '--node-refresh' (INTERVAL) (see 'trino-spot cluster up --help')");
    }

    @Test
    void badWorkerCountIsRefusedBeforeAnythingStarts()
    {
        assertUsageError(run("up", "--workers", "0"),
                "trino-spot cluster up: Invalid value for option '--workers': must be between 1 and 16, got 0 (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--workers", "17"),
                "trino-spot cluster up: Invalid value for option '--workers': must be between 1 and 16, got 17 (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--workers", "two"),
                "trino-spot cluster up: Invalid value for option '--workers': must be a number, got 'two' (see 'trino-spot cluster up --help')");
    }

    @Test
    void badChoicesAreRefusedWithTheirCandidates()
    {
        assertUsageError(run("up", "--exchange", "nfs"),
                "trino-spot cluster up: Invalid value for option '--exchange': expected one of none, local, s3, hdfs, spot-s3, spot-local but was 'nfs' (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--lake", "gcs"),
                "trino-spot cluster up: Invalid value for option '--lake': expected one of none, s3, hdfs but was 'gcs' (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--scale", "huge"),
                "trino-spot cluster up: Invalid value for option '--scale': expected tiny or sf<N> (sf1, sf10, ...) but was 'huge' (see 'trino-spot cluster up --help')");
        assertUsageError(run("up", "--tables", "store_sales,Store"),
                "trino-spot cluster up: --tables: Bad table list: [store_sales, Store] (see 'trino-spot cluster up --help')");
    }

    @Test
    void choicesAreTypedTheWayHelpListsThem()
    {
        ClusterUp.Exchanges exchanges = new ClusterUp.Exchanges();
        assertThat(exchanges).containsExactly("none", "local", "s3", "hdfs", "spot-s3", "spot-local");
        assertThat(exchanges.convert("spot-s3")).isEqualTo(ExchangeKind.SPOT_S3);
        assertThat(exchanges.convert("SPOT_LOCAL")).isEqualTo(ExchangeKind.SPOT_LOCAL);
        assertThat(new ClusterUp.Lakes().convert("HDFS")).isEqualTo(LakeStorage.HDFS);
        assertThat(new ClusterUp.Scales().convert("SF100")).isEqualTo("sf100");
        assertThat(new ClusterUp.Interval().convert("0.5s")).isEqualTo("0.5s");
        assertThatThrownBy(() -> new ClusterUp.Interval().convert("250")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void upRefusesWhileAClusterIsRunning()
    {
        writeState(ProcessHandle.current().pid());

        ClusterRun up = run("up");

        assertThat(up.exitCode()).isEqualTo(1);
        assertThat(up.errLines()).containsExactly(
                "trino-spot cluster up: a cluster is already running (http://127.0.0.1:8080); run 'trino-spot cluster down' first");
        assertThat(up.out()).isEmpty();
    }

    @Test
    void withoutAClusterStatusSqlAndKillFailAndDownHasNothingToDo()
    {
        ClusterRun status = run("status");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.errLines()).containsExactly(
                "trino-spot cluster status: no cluster (no " + home.resolve("cluster.json") + "); start one with 'trino-spot cluster up'");

        ClusterRun sql = run("sql", "SELECT 1");
        assertThat(sql.exitCode()).isEqualTo(1);
        assertThat(sql.errLines()).containsExactly("trino-spot cluster sql: no cluster is running: start one with 'trino-spot cluster up'");

        ClusterRun kill = run("kill", "worker-1");
        assertThat(kill.exitCode()).isEqualTo(1);
        assertThat(kill.errLines()).containsExactly("trino-spot cluster kill: no cluster is running");

        ClusterRun down = run("down");
        assertThat(down.exitCode()).isZero();
        assertThat(down.out()).isEqualTo("No cluster to stop.\n");
        assertThat(down.err()).isEmpty();
    }

    @Test
    void sqlTakesOneStatementAndKillOneNode()
    {
        assertUsageError(run("sql", "SELECT", "1"), "trino-spot cluster sql: Unmatched argument at index 5: '1' (see 'trino-spot cluster sql --help')");
        assertUsageError(run("sql"), "trino-spot cluster sql: Missing required parameter: 'STATEMENT' (see 'trino-spot cluster sql --help')");
        assertUsageError(run("kill"), "trino-spot cluster kill: Missing required parameter: 'NODE' (see 'trino-spot cluster kill --help')");
    }

    @Test
    void killNamesTheNodesItKnowsAndRefusesOneAlreadyGone()
    {
        writeState(NO_SUCH_PID);

        ClusterRun unknown = run("kill", "worker-7");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).containsExactly(
                "trino-spot cluster kill: no node 'worker-7'; nodes: [coordinator, worker-1] (see 'trino-spot cluster kill --help')");

        ClusterRun gone = run("kill", "worker-1");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.errLines()).containsExactly("trino-spot cluster kill: worker-1 is not running");
    }

    @Test
    void downForgetsAClusterWhoseProcessesAreGone()
    {
        writeState(NO_SUCH_PID);

        ClusterRun down = run("down");

        assertThat(down.exitCode()).isZero();
        assertThat(down.out()).isEqualTo("Stopped 0 processes. Logs stay in " + home.resolve("cluster") + "\n");
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }
}
