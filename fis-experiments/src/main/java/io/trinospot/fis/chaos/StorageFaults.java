package io.trinospot.fis.chaos;

import io.trinospot.fis.local.BlogCluster;
import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.harness.HdfsCluster;
import io.trinospot.harness.S3FaultProxy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The storage faults of a chaos run, {@code s3-error-burst} and {@code datanode-kill}, and the cluster storage they
 * need: the lake behind a fault proxy, an HDFS with more than one DataNode.
 */
public final class StorageFaults
{
    /**
     * DataNodes of the chaos cluster's HDFS when {@code datanode-kill} runs, and copies of each spool block: with one
     * DataNode killed every block still has a copy on the other.
     */
    public static final int DATANODES = 2;
    /** The DataNodes a {@code datanode-kill} picks from, as the harness names them. */
    static final List<String> DATANODE_NAMES = HdfsCluster.dataNodeNames(DATANODES);

    private StorageFaults() {}

    /** The cluster storage a series of {@code kinds} needs; what no kind needs stays as the AWS blog post has it. */
    public static BlogCluster.Storage storage(List<FaultKind> kinds)
    {
        return new BlogCluster.Storage(kinds.contains(FaultKind.S3_ERROR_BURST), kinds.contains(FaultKind.DATANODE_KILL) ? DATANODES : 1);
    }

    /** Arms {@code burst} on the proxy in front of the lake, waits its length, and lets every request pass again, also when interrupted. */
    static void burst(Optional<S3FaultProxy> proxy, S3ErrorBurst burst, PlanPlayer.Sleeper sleeper, Consumer<String> progress)
            throws InterruptedException
    {
        S3FaultProxy target = proxy.orElseThrow(() -> new IllegalStateException("the cluster's lake is not behind an S3 fault proxy"));
        target.burst(burst.rule());
        progress.accept("S3 burst: " + burst.description());
        try {
            sleeper.sleep(burst.length());
        }
        finally {
            int faulted = target.injectedFaults();
            int matched = target.matchedRequests();
            target.passAll();
            progress.accept(String.format(Locale.ROOT, "S3 burst over: %d of %d request(s) of its kinds faulted", faulted, matched));
        }
    }

    /** SIGKILLs {@code dataNode}; the fleet's replenishing starts it again before the next run. */
    static void killDataNode(Optional<HdfsCluster> hdfs, String dataNode, Consumer<String> progress)
    {
        HdfsCluster target = hdfs.orElseThrow(() -> new IllegalStateException("the cluster runs no HDFS"));
        int index = target.dataNodeIndex(dataNode);
        if (!target.dataNode(index).isAlive()) {
            throw new IllegalStateException(dataNode + " is not running");
        }
        target.killDataNode(index);
        progress.accept(dataNode + " SIGKILLed");
    }
}
