package io.trinospot.harness;

/** Where the lake catalog keeps its tables. */
public enum LakeStorage
{
    /** No lake catalog. */
    NONE,
    /** Hive tables (ORC) and a file metastore in a bucket of the harness's S3 server. */
    S3,
    /** Hive tables on the harness's HDFS. */
    HDFS
}
