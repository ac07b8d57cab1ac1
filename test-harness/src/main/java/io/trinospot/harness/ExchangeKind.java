package io.trinospot.harness;

/** Where a cluster spools exchange data for {@code retry-policy=TASK}. */
public enum ExchangeKind
{
    /** No exchange manager: only {@code retry-policy=NONE} or {@code QUERY} work. */
    NONE,
    /** Trino's own {@code filesystem} exchange manager on a local directory (the baseline). */
    LOCAL,
    /** Trino's own {@code filesystem} exchange manager on the harness's S3 server. */
    S3,
    /**
     * This project's {@code spot} exchange plugin on the cluster's HDFS, configured the EMR way:
     * {@code exchange.base-directories=/exchange} with {@code exchange.use-local-hdfs=true}.
     */
    HDFS,
    /** This project's {@code spot} exchange plugin on the harness's S3 server. */
    SPOT_S3,
    /** This project's {@code spot} exchange plugin on a local directory. */
    SPOT_LOCAL;

    /** Whether this exchange needs the {@code spot} plugin (plugin/spot-exchange of the Trino server). */
    public boolean usesSpotPlugin()
    {
        return this == HDFS || this == SPOT_S3 || this == SPOT_LOCAL;
    }
}
