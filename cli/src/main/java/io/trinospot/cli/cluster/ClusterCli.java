package io.trinospot.cli.cluster;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.ClusterState;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.Lake;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.ProcessReaper;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.TrinoCluster;

import java.io.PrintStream;
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

/**
 * {@code trino-spot cluster up|status|sql|kill|down}: a local cluster that outlives the command that started it.
 * State lives in {@code $TRINO_SPOT_HOME} (default {@code ./.trino-spot}).
 */
public final class ClusterCli
{
    private static final String USAGE = """
            usage: trino-spot cluster <command>
              up [--workers N] [--exchange none|local|hdfs|s3] [--lake s3|hdfs|none] [--scale tiny|sf1] [--tables t1,t2,...]
                 [--node-refresh INTERVAL]
                                 start a cluster in the background; with an exchange, retry-policy=TASK;
                                 --node-refresh 250ms runs the exchange plugin's spot-node-refresh on the coordinator
              status             nodes, their state and processes
              sql "SELECT ..."   run one statement and print its rows
              kill <node>        SIGKILL one node (e.g. worker-1); it stays down
              down               stop everything the cluster started
            """;

    // q39's tables and the star around store_sales: enough to try things, quick to copy on first use
    private static final List<String> DEFAULT_TABLES = List.of("store_sales", "store", "customer", "item", "date_dim", "inventory", "warehouse");

    private final PrintStream out;
    private final PrintStream err;
    private final Path home;

    public ClusterCli(PrintStream out, PrintStream err, Path home)
    {
        this.out = out;
        this.err = err;
        this.home = home;
    }

    public static void main(String[] args)
    {
        Path home = Path.of(Optional.ofNullable(System.getenv("TRINO_SPOT_HOME")).orElse(".trino-spot")).toAbsolutePath();
        int code = new ClusterCli(System.out, System.err, home).run(List.of(args));
        System.exit(code);
    }

    public int run(List<String> args)
    {
        if (args.isEmpty() || args.getFirst().equals("--help") || args.getFirst().equals("help")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        try {
            return switch (args.getFirst()) {
                case "up" -> up(args.subList(1, args.size()));
                case "status" -> status();
                case "sql" -> sql(args.subList(1, args.size()));
                case "kill" -> kill(args.subList(1, args.size()));
                case "down" -> down();
                default -> usage("unknown command '" + args.getFirst() + "'");
            };
        }
        catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        catch (RuntimeException e) {
            err.println("trino-spot cluster: " + e.getMessage());
            return 1;
        }
    }

    private int usage(String problem)
    {
        err.println("trino-spot cluster: " + problem);
        err.print(USAGE);
        return 2;
    }

    private Path stateFile()
    {
        return home.resolve("cluster.json");
    }

    private Optional<ClusterState> state()
    {
        return Files.exists(stateFile()) ? Optional.of(ClusterState.read(stateFile())) : Optional.empty();
    }

    private int up(List<String> args)
    {
        int workers = 2;
        ExchangeKind exchange = ExchangeKind.NONE;
        LakeStorage lake = LakeStorage.S3;
        String scale = "tiny";
        List<String> tables = DEFAULT_TABLES;
        String nodeRefresh = null;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            switch (flag) {
                case "--workers" -> workers = parseWorkers(value);
                case "--exchange" -> exchange = ExchangeKind.parse(value);
                case "--lake" -> lake = LakeStorage.parse(value);
                case "--scale" -> scale = value;
                case "--tables" -> tables = List.of(value.split(","));
                case "--node-refresh" -> nodeRefresh = parseInterval(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
            i++;
        }
        Optional<ClusterState> existing = state();
        if (existing.isPresent() && existing.get().processes().stream().anyMatch(process -> ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false))) {
            err.println("trino-spot cluster: a cluster is already running (" + existing.get().coordinatorUrl() + "); run 'trino-spot cluster down' first");
            return 1;
        }
        Dataset dataset = Dataset.tpcds(scale, tables);

        ClusterSpec.Builder spec = ClusterSpec.builder()
                .workers(workers)
                .lake(lake)
                .detached(true)
                .workDir(home.resolve("cluster"));
        if (exchange != ExchangeKind.NONE) {
            spec.taskRetries(exchange);
        }
        if (nodeRefresh != null) {
            spec.coordinatorNodeRefresh(nodeRefresh);
        }
        out.println("Starting coordinator + " + workers + " workers (exchange " + exchange.name().toLowerCase() + ", lake " + lake.name().toLowerCase() + ") ...");
        TrinoCluster cluster = TrinoCluster.start(spec.build());
        ClusterState.of(cluster).write(stateFile());
        out.printf("Cluster up in %.1f s%n", cluster.startupTime().toMillis() / 1000.0);
        if (lake != LakeStorage.NONE) {
            out.println("Loading TPC-DS " + scale + " into " + dataset.qualifiedLakeSchema() + " (once; reused later) ...");
            int copied = Lake.ensure(cluster, dataset);
            out.println(copied == 0 ? "Lake tables already there." : "Copied " + copied + " tables.");
        }
        out.println();
        out.println("Coordinator: " + cluster.coordinator().uri());
        out.println("JDBC:        jdbc:trino://127.0.0.1:" + cluster.coordinator().httpPort() + " (user " + TrinoCluster.USER + ")");
        out.println("Logs:        " + cluster.workDir() + "/<node>/var/log/server.log");
        out.println();
        printNodes(ClusterState.of(cluster));
        out.println();
        out.println("Try: ./trino-spot cluster sql \"SELECT count(*) FROM " + dataset.qualifiedLakeSchema() + ".store_sales\"");
        return 0;
    }

    // Airlift's duration syntax, which the listener parses; checked here so a typo fails before anything starts
    private static String parseInterval(String flag, String value)
    {
        if (!value.matches("\\d+(\\.\\d+)?(ms|s)")) {
            throw new IllegalArgumentException(flag + " must be a duration such as 250ms or 1s, got '" + value + "'");
        }
        return value;
    }

    private static int parseWorkers(String value)
    {
        try {
            int workers = Integer.parseInt(value);
            if (workers < 1 || workers > 16) {
                throw new IllegalArgumentException("--workers must be between 1 and 16, got " + value);
            }
            return workers;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("--workers must be a number, got '" + value + "'");
        }
    }

    private int status()
    {
        Optional<ClusterState> state = state();
        if (state.isEmpty()) {
            out.println("No cluster (no " + stateFile() + ").");
            return 1;
        }
        out.println("Coordinator: " + state.get().coordinatorUrl());
        printNodes(state.get());
        try (Connection connection = connect(state.get()); Statement statement = connection.createStatement()) {
            out.println();
            out.println("system.runtime.nodes:");
            printTable(statement, "SELECT node_id, http_uri, node_version, coordinator, state FROM system.runtime.nodes ORDER BY node_id");
        }
        catch (SQLException e) {
            out.println("Coordinator not answering: " + e.getMessage());
        }
        return 0;
    }

    private void printNodes(ClusterState state)
    {
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterState.Process process : state.processes()) {
            boolean alive = ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
            rows.add(List.of(process.name(), process.role(), process.pid(), alive ? "running" : "gone",
                    process.httpPort() == 0 ? "" : process.httpPort(), labels(process), process.logFile()));
        }
        out.print(TextTable.render(List.of("name", "role", "pid", "process", "port", "labels", "log"), rows));
    }

    private static String labels(ClusterState.Process process)
    {
        return process.labels().entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).sorted().reduce((a, b) -> a + "," + b).orElse("");
    }

    private int sql(List<String> args)
    {
        if (args.size() != 1) {
            throw new IllegalArgumentException("sql takes exactly one statement (quote it)");
        }
        ClusterState state = state().orElseThrow(() -> new IllegalStateException("no cluster is running: start one with 'trino-spot cluster up'"));
        try (Connection connection = connect(state); Statement statement = connection.createStatement()) {
            printTable(statement, args.getFirst());
            return 0;
        }
        catch (SQLException e) {
            err.println("Query failed: " + e.getMessage());
            return 1;
        }
    }

    private void printTable(Statement statement, String sql)
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

    private int kill(List<String> args)
    {
        if (args.size() != 1) {
            throw new IllegalArgumentException("kill takes one node name");
        }
        ClusterState state = state().orElseThrow(() -> new IllegalStateException("no cluster is running"));
        ClusterState.Process target = state.processes().stream()
                .filter(process -> process.name().equals(args.getFirst()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + args.getFirst() + "'; nodes: "
                        + state.processes().stream().map(ClusterState.Process::name).toList()));
        Optional<ManagedProcess> process = ManagedProcess.attach(target.name(), target.pid(), target.startedAt(), target.logFile());
        if (process.isEmpty()) {
            out.println(target.name() + " is not running.");
            return 1;
        }
        process.get().kill();
        out.println("Killed " + target.name() + " (pid " + target.pid() + ") with SIGKILL.");
        return 0;
    }

    private static boolean isStorage(ClusterState.Process process)
    {
        return process.role().equals("s3") || process.role().equals("hdfs");
    }

    private int down()
    {
        Optional<ClusterState> state = state();
        if (state.isEmpty()) {
            out.println("No cluster to stop.");
            return 0;
        }
        // Trino nodes first, storage last, each SIGTERM then SIGKILL after a timeout.
        List<ManagedProcess> nodes = new ArrayList<>();
        List<ManagedProcess> storage = new ArrayList<>();
        for (ClusterState.Process process : state.get().processes()) {
            Optional<ManagedProcess> running = ManagedProcess.attach(process.name(), process.pid(), process.startedAt(), process.logFile());
            running.ifPresent(found -> (isStorage(process) ? storage : nodes).add(found));
        }
        ManagedProcess.stopInParallel(nodes);
        ManagedProcess.stopInParallel(storage);
        int stopped = nodes.size() + storage.size();
        // Anything else carrying this cluster's marker (e.g. a process started after the state was written).
        String owner = state.get().ownerMarker().substring(state.get().ownerMarker().indexOf('=') + 1);
        for (ProcessHandle leftover : ProcessReaper.ownedBy(owner)) {
            leftover.destroyForcibly();
            stopped++;
        }
        try {
            Files.deleteIfExists(stateFile());
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.println("Stopped " + stopped + " processes. Logs stay in " + state.get().workDir());
        return 0;
    }
}
