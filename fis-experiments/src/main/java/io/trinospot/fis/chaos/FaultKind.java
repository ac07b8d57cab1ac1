package io.trinospot.fis.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The faults a chaos run can inject. The coordinator is never a target: the cluster is judged by whether its queries
 * stay correct while workers come and go, and without a coordinator there is no query to judge.
 */
public enum FaultKind
{
    /** A shipped (or given) FIS template played against the fleet: Spot notices, stops, terminations. */
    SPOT_NOTICE("spot-notice", Optional.empty()),
    /** A worker SIGKILLed mid-query, as a reclaimed instance or an OOM killer does; replaced after the run. */
    WORKER_SIGKILL("worker-sigkill", Optional.empty()),
    /** A worker SIGSTOPped mid-query for a while (a hung JVM, a host whose packets go nowhere), then SIGCONT. */
    WORKER_SIGSTOP("worker-sigstop", Optional.empty()),
    /** S3 answering errors for a while. */
    S3_ERROR_BURST("s3-error-burst",
            Optional.of("needs a fault-injecting proxy between the cluster and its S3 server, which the harness's TrinoCluster does not put in front of the lake and exchange yet")),
    /** An HDFS DataNode killed mid-query; with one DataNode and replication 1 it would lose the spooled exchange data outright. */
    DATANODE_KILL("datanode-kill",
            Optional.of("needs an HDFS with more than one DataNode (and replication above 1), which the harness's HdfsCluster does not start yet"));

    private final String label;
    private final Optional<String> unavailable;

    FaultKind(String label, Optional<String> unavailable)
    {
        this.label = requireNonNull(label, "label is null");
        this.unavailable = requireNonNull(unavailable, "unavailable is null");
    }

    /** The name on the command line and in the summary. */
    public String label()
    {
        return label;
    }

    /** Why this kind cannot run on the local cluster; empty when it can. */
    public Optional<String> unavailable()
    {
        return unavailable;
    }

    public static FaultKind parse(String label)
    {
        String wanted = label.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.label.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault kind '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels()
    {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString()
    {
        return label;
    }
}
