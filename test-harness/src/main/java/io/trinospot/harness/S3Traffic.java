package io.trinospot.harness;

/** A cluster's traffic to its S3 server that can go through an {@link S3FaultProxy} ({@link ClusterSpec.Builder#s3FaultProxy}). */
public enum S3Traffic
{
    /** The lake catalog's reads and writes (and its file metastore's), on S3. */
    LAKE,
    /** The exchange's spooling to S3 ({@link ExchangeKind#S3} or {@link ExchangeKind#SPOT_S3}). */
    EXCHANGE
}
