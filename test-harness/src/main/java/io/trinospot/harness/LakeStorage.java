package io.trinospot.harness;

import java.util.Locale;

/** Where the lake catalog keeps its tables. */
public enum LakeStorage
{
    /** No lake catalog. */
    NONE,
    /** Hive tables (ORC) and a file metastore in a bucket of the harness's S3 server. */
    S3,
    /** Hive tables on the harness's HDFS. */
    HDFS;

    public static LakeStorage parse(String text)
    {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown lake storage '" + text + "': expected s3, hdfs or none");
        }
    }
}
