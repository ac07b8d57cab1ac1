package io.trinospot.fis.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The faults a chaos run can inject. The coordinator is never a target: the cluster is judged by whether its queries
 * stay correct while workers come and go, and without a coordinator there is no query to judge.
 */
public enum FaultKind
{
    /** A shipped (or given) FIS template played against the fleet: Spot notices, stops, terminations. */
    SPOT_NOTICE("spot-notice"),
    /** A worker SIGKILLed mid-query, as a reclaimed instance or an OOM killer does; replaced after the run. */
    WORKER_SIGKILL("worker-sigkill"),
    /** A worker SIGSTOPped mid-query for a while (a hung JVM, a host whose packets go nowhere), then SIGCONT. */
    WORKER_SIGSTOP("worker-sigstop"),
    /**
     * S3 answering errors for a while: for a seeded time a seeded share (or all) of the requests of seeded kinds (PUT,
     * multipart part, GET, LIST) get {@code 503 SlowDown}, {@code 500 InternalError} or a dropped connection from a
     * fault proxy the chaos cluster puts between its lake and the S3 server (its exchange spools to HDFS). Whether a
     * query lives through it is up to the retries of Trino's S3 client; it may fail, never return other rows.
     */
    S3_ERROR_BURST("s3-error-burst"),
    /**
     * A seeded HDFS DataNode SIGKILLed mid-query, as a lost core node; started again (its data directory kept) before
     * the next run. The chaos cluster then runs two DataNodes and spools with replication 2, so every spool block has a
     * copy on the other: writers go on with one, readers turn to it. With replication 1 the only copy of a finished
     * stage's spool can go with the DataNode, and the query fails naming the spool file and block (Trino does not run a
     * finished stage again).
     */
    DATANODE_KILL("datanode-kill");

    private final String label;

    FaultKind(String label)
    {
        this.label = requireNonNull(label, "label is null");
    }

    /** The name on the command line and in the summary. */
    public String label()
    {
        return label;
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
