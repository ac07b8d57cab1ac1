package io.trinospot.cli.cluster;

import io.trinospot.cli.CommandLines;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.ClusterState;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.Lake;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.TrinoCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code trino-spot cluster up}: every option is checked before anything starts. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
                "Start a cluster in the background, print each node as it becomes active, then copy TPC-DS tables into its lake (once; later clusters reuse them).",
                "With an exchange, every node runs retry-policy=TASK.",
        })
final class ClusterUp
        implements Callable<Integer>
{
    static final int MAX_WORKERS = 16;
    // q39's tables and the star around store_sales: enough to try things, quick to copy on first use
    static final String DEFAULT_TABLES = "store_sales,store,customer,item,date_dim,inventory,warehouse";

    @Spec
    CommandSpec spec;
    @Mixin
    ClusterCommand.Home home;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", converter = WorkerCount.class,
            description = "how many workers, 1 to " + MAX_WORKERS + " (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--exchange", paramLabel = "KIND", defaultValue = "none", converter = Exchanges.class, completionCandidates = Exchanges.class,
            description = {
                    "where tasks spool exchange data: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); anything but none sets retry-policy=TASK.",
                    "local and s3 are Trino's filesystem exchange; hdfs, spot-s3 and spot-local are this project's spot exchange plugin."
            })
    ExchangeKind exchange;

    @Option(names = "--lake", paramLabel = "STORAGE", defaultValue = "s3", converter = Lakes.class, completionCandidates = Lakes.class,
            description = "where the lake catalog keeps its tables: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); none copies nothing")
    LakeStorage lake;

    @Option(names = "--scale", paramLabel = "SCALE", defaultValue = "tiny", converter = Scales.class, completionCandidates = Scales.class,
            description = "TPC-DS scale factor of the lake tables: ${COMPLETION-CANDIDATES} or any other sf<N> (default: ${DEFAULT-VALUE})")
    String scale;

    @Option(names = "--tables", paramLabel = "TABLE", split = ",", defaultValue = DEFAULT_TABLES,
            description = "TPC-DS tables to copy into the lake (default: ${DEFAULT-VALUE})")
    List<String> tables;

    @Option(names = "--node-refresh", paramLabel = "INTERVAL", converter = Interval.class,
            description = "run the spot-coordinator plugin's spot-node-refresh listener on the coordinator, applying the answers of Trino's own node poll this often, such as 1s, and its announcement catalog")
    String nodeRefresh;

    @Option(names = "--node-refresh-ask-workers",
            description = "with --node-refresh: ask every worker for its state at each interval instead (one request per worker per interval)")
    boolean nodeRefreshAsksWorkers;

    @Override
    public Integer call()
    {
        Dataset dataset;
        try {
            dataset = Dataset.tpcds(scale, tables);
        }
        catch (IllegalArgumentException e) {
            throw CommandLines.usage(spec, "--tables: " + e.getMessage());
        }
        Optional<ClusterState> existing = home.state();
        if (existing.isPresent() && existing.get().processes().stream().anyMatch(ClusterCommand::isAlive)) {
            return CommandLines.fail(spec, "a cluster is already running (" + existing.get().coordinatorUrl() + "); run 'trino-spot cluster down' first");
        }

        ClusterSpec.Builder cluster = ClusterSpec.builder()
                .workers(workers)
                .lake(lake)
                .detached(true)
                .workDir(home.path().resolve("cluster"));
        if (exchange != ExchangeKind.NONE) {
            cluster.taskRetries(exchange);
        }
        if (nodeRefresh != null) {
            cluster.coordinatorNodeRefresh(nodeRefresh, nodeRefreshAsksWorkers);
        }
        else if (nodeRefreshAsksWorkers) {
            throw CommandLines.usage(spec, "--node-refresh-ask-workers needs --node-refresh");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting coordinator + " + workers + " workers (exchange " + Choice.name(exchange) + ", lake " + Choice.name(lake) + ") ...");
        TrinoCluster started = TrinoCluster.start(cluster.build(), out::println);
        ClusterState state = ClusterState.of(started);
        state.write(home.stateFile());
        out.printf("Cluster up in %.1f s%n", started.startupTime().toMillis() / 1000.0);
        if (lake != LakeStorage.NONE) {
            out.println("Loading TPC-DS " + dataset.scale() + " into " + dataset.qualifiedLakeSchema() + " (once; reused later) ...");
            int copied = Lake.ensure(started, dataset, out::println);
            out.println(copied == 0 ? "Lake tables already there." : "Copied " + copied + " tables.");
        }
        out.println();
        out.println("Coordinator: " + started.coordinator().uri());
        out.println("JDBC:        jdbc:trino://127.0.0.1:" + started.coordinator().httpPort() + " (user " + TrinoCluster.USER + ")");
        out.println("Logs:        " + started.workDir() + "/<node>/var/log/server.log");
        out.println();
        ClusterCommand.printNodes(out, state);
        out.println();
        out.println("Try: ./trino-spot cluster sql \"SELECT count(*) FROM " + dataset.qualifiedLakeSchema() + ".store_sales\"");
        return CommandLines.OK;
    }

    static final class WorkerCount
            implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(String value)
        {
            int workers;
            try {
                workers = Integer.parseInt(value);
            }
            catch (NumberFormatException e) {
                throw new TypeConversionException("must be a number, got '" + value + "'");
            }
            if (workers < 1 || workers > MAX_WORKERS) {
                throw new TypeConversionException("must be between 1 and " + MAX_WORKERS + ", got " + value);
            }
            return workers;
        }
    }

    /** Airlift's duration syntax, which the listener parses; checked here so that a typo fails before anything starts. */
    static final class Interval
            implements ITypeConverter<String>
    {
        @Override
        public String convert(String value)
        {
            if (!value.matches("\\d+(\\.\\d+)?(ms|s)")) {
                throw new TypeConversionException("must be a duration such as 250ms or 1s, got '" + value + "'");
            }
            return value;
        }
    }

    /** The scales help lists; Dataset takes any sf<N>, and so does this option. */
    static final class Scales
            implements ITypeConverter<String>, Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return List.of("tiny", "sf1", "sf10", "sf100").iterator();
        }

        @Override
        public String convert(String value)
        {
            String scale = value.strip().toLowerCase(Locale.ROOT);
            if (!scale.matches("tiny|sf[0-9]+")) {
                throw new TypeConversionException("expected tiny or sf<N> (sf1, sf10, ...) but was '" + value + "'");
            }
            return scale;
        }
    }

    /**
     * An enum's values as a person types them, lower case with '-' for '_' (spot-s3 for SPOT_S3): the converter, and
     * the candidates help lists and shell completion offers.
     */
    abstract static class Choice<E extends Enum<E>>
            implements ITypeConverter<E>, Iterable<String>
    {
        private final Class<E> type;

        Choice(Class<E> type)
        {
            this.type = type;
        }

        static String name(Enum<?> value)
        {
            return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public Iterator<String> iterator()
        {
            return Arrays.stream(type.getEnumConstants()).map(Choice::name).iterator();
        }

        @Override
        public E convert(String value)
        {
            String typed = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            return Arrays.stream(type.getEnumConstants())
                    .filter(constant -> name(constant).equals(typed))
                    .findFirst()
                    .orElseThrow(() -> new TypeConversionException("expected one of " + String.join(", ", this) + " but was '" + value + "'"));
        }
    }

    static final class Exchanges
            extends Choice<ExchangeKind>
    {
        Exchanges()
        {
            super(ExchangeKind.class);
        }
    }

    static final class Lakes
            extends Choice<LakeStorage>
    {
        Lakes()
        {
            super(LakeStorage.class);
        }
    }
}
