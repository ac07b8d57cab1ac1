package io.trinospot.harness;

import java.util.Locale;

/** Where a cluster spools exchange data for {@code retry-policy=TASK}. */
public enum ExchangeKind
{
    /** No exchange manager: only {@code retry-policy=NONE} or {@code QUERY} work. */
    NONE,
    /** Trino's own {@code filesystem} exchange manager on a local directory (the baseline). */
    LOCAL,
    /** Trino's own {@code filesystem} exchange manager on the harness's S3 server. */
    S3,
    /** HDFS spooling: needs this project's exchange plugin. */
    HDFS;

    public static ExchangeKind parse(String text)
    {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown exchange '" + text + "': expected none, local, hdfs or s3");
        }
    }
}
