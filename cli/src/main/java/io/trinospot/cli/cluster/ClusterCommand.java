package io.trinospot.cli.cluster;

import io.trinospot.cli.CommandGroup;
import io.trinospot.cli.CommandLines;
import io.trinospot.harness.ClusterState;
import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.ProcessReaper;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.TrinoCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static io.trinospot.cli.CommandLines.fail;
import static io.trinospot.cli.CommandLines.oneLine;

/**
 * {@code trino-spot cluster up|status|sql|kill|down}: a local cluster that outlives the command that started it; a
 * state file in the cluster's home lets later commands, in other JVMs, find it. Exit codes: 0 fine, 1 failed (no
 * cluster, a query failed, a node already gone), 2 the command line is wrong.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "A local Trino cluster (coordinator, workers, S3 server, HDFS) that runs in the background until 'cluster down'.",
        subcommands = {
                ClusterUp.class,
                ClusterCommand.Status.class,
                ClusterCommand.Sql.class,
                ClusterCommand.Kill.class,
                ClusterCommand.Down.class,
        })
public final class ClusterCommand
        extends CommandGroup
{
    /** Where a detached cluster keeps its state file and work directory; an option of every subcommand, so it may follow it. */
    static final class Home
    {
        @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:TRINO_SPOT_HOME:-.trino-spot}",
                description = {"state and logs of the cluster (default: ${DEFAULT-VALUE})", "$TRINO_SPOT_HOME, when set, is the default"})
        Path dir;

        Path path()
        {
            return dir.toAbsolutePath();
        }

        Path stateFile()
        {
            return path().resolve("cluster.json");
        }

        Optional<ClusterState> state()
        {
            return Files.exists(stateFile()) ? Optional.of(ClusterState.read(stateFile())) : Optional.empty();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster's processes and the coordinator's view of its nodes.")
    static final class Status
            implements Callable<Integer>
    {
        // The node query's last stage runs on a worker: right after a worker dies the coordinator may still pick it,
        // and Trino would wait its remote-task error duration (a minute) before failing the query.
        static final int NODES_QUERY_TIMEOUT_SECONDS = 10;

        @Spec
        CommandSpec spec;
        @Mixin
        Home home;

        @Override
        public Integer call()
        {
            Optional<ClusterState> state = home.state();
            if (state.isEmpty()) {
                return fail(spec, "no cluster (no " + home.stateFile() + "); start one with 'trino-spot cluster up'");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Coordinator: " + state.get().coordinatorUrl());
            printNodes(out, state.get());
            out.println();
            out.println("system.runtime.nodes:");
            try (Connection connection = connect(state.get()); Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(NODES_QUERY_TIMEOUT_SECONDS);
                printTable(out, statement, "SELECT node_id, http_uri, node_version, coordinator, state FROM system.runtime.nodes ORDER BY node_id");
            }
            catch (SQLException e) {
                // part of the status, not a failure of the command: the processes above say the rest
                out.println("not read (the coordinator gives up after " + NODES_QUERY_TIMEOUT_SECONDS + " s): " + oneLine(e.getMessage()));
            }
            return CommandLines.OK;
        }
    }

    @Command(name = "sql", mixinStandardHelpOptions = true, description = "Run one statement on the cluster and print its rows as a table.")
    static final class Sql
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Home home;

        @Parameters(paramLabel = "STATEMENT", description = "the statement, quoted as one argument, e.g. \"SELECT count(*) FROM lake.tpcds_tiny.store_sales\"")
        String statement;

        @Override
        public Integer call()
        {
            Optional<ClusterState> state = home.state();
            if (state.isEmpty()) {
                return fail(spec, "no cluster is running: start one with 'trino-spot cluster up'");
            }
            try (Connection connection = connect(state.get()); Statement jdbc = connection.createStatement()) {
                printTable(spec.commandLine().getOut(), jdbc, statement);
                return CommandLines.OK;
            }
            catch (SQLException e) {
                return fail(spec, oneLine(e.getMessage()));
            }
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "SIGKILL one node; it stays down.")
    static final class Kill
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Home home;

        @Parameters(paramLabel = "NODE", description = "the node's name as 'cluster status' shows it, e.g. worker-1")
        String node;

        @Override
        public Integer call()
        {
            Optional<ClusterState> state = home.state();
            if (state.isEmpty()) {
                return fail(spec, "no cluster is running");
            }
            ClusterState.Process target = state.get().processes().stream()
                    .filter(process -> process.name().equals(node))
                    .findFirst()
                    .orElseThrow(() -> CommandLines.usage(spec, "no node '" + node + "'; nodes: "
                            + state.get().processes().stream().map(ClusterState.Process::name).toList()));
            Optional<ManagedProcess> process = attach(target);
            if (process.isEmpty()) {
                return fail(spec, target.name() + " is not running");
            }
            process.get().kill();
            spec.commandLine().getOut().println("Killed " + target.name() + " (pid " + target.pid() + ") with SIGKILL.");
            return CommandLines.OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every process the cluster started; its logs stay.")
    static final class Down
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Home home;

        @Override
        public Integer call()
        {
            PrintWriter out = spec.commandLine().getOut();
            Optional<ClusterState> state = home.state();
            if (state.isEmpty()) {
                out.println("No cluster to stop.");
                return CommandLines.OK;
            }
            // Trino nodes first, storage last, so no node sees its storage vanish; each SIGTERM, then SIGKILL after a timeout.
            List<ManagedProcess> nodes = new ArrayList<>();
            List<ManagedProcess> storage = new ArrayList<>();
            for (ClusterState.Process process : state.get().processes()) {
                boolean isStorage = process.role().equals("s3") || process.role().equals("hdfs");
                attach(process).ifPresent(running -> (isStorage ? storage : nodes).add(running));
            }
            ManagedProcess.stopInParallel(nodes);
            ManagedProcess.stopInParallel(storage);
            int stopped = nodes.size() + storage.size();
            // anything else carrying this cluster's marker, e.g. a process started after the state was written
            String marker = state.get().ownerMarker();
            for (ProcessHandle leftover : ProcessReaper.ownedBy(marker.substring(marker.indexOf('=') + 1))) {
                leftover.destroyForcibly();
                stopped++;
            }
            try {
                Files.deleteIfExists(home.stateFile());
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println("Stopped " + stopped + " processes. Logs stay in " + state.get().workDir());
            return CommandLines.OK;
        }
    }

    static boolean isAlive(ClusterState.Process process)
    {
        return ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Optional<ManagedProcess> attach(ClusterState.Process process)
    {
        return ManagedProcess.attach(process.name(), process.pid(), process.startedAt(), process.logFile());
    }

    static void printNodes(PrintWriter out, ClusterState state)
    {
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterState.Process process : state.processes()) {
            rows.add(List.of(process.name(), process.role(), process.pid(), isAlive(process) ? "running" : "gone",
                    process.httpPort() == 0 ? "" : process.httpPort(), labels(process), process.logFile()));
        }
        out.print(TextTable.render(List.of("name", "role", "pid", "process", "port", "labels", "log"), rows));
        out.flush();
    }

    private static String labels(ClusterState.Process process)
    {
        return process.labels().entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).sorted().collect(Collectors.joining(","));
    }

    private static void printTable(PrintWriter out, Statement statement, String sql)
            throws SQLException
    {
        QueryResult result = QueryResult.run(statement, sql);
        out.print(TextTable.render(result.columns(), result.rows()));
        out.printf("(%d row%s, %.2f s)%n", result.rowCount(), result.rowCount() == 1 ? "" : "s", result.wallTime().toMillis() / 1000.0);
    }

    private static Connection connect(ClusterState state)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", TrinoCluster.USER);
        return DriverManager.getConnection(state.coordinatorUrl().replace("http://", "jdbc:trino://"), properties);
    }
}
