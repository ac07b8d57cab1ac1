package io.trinospot.config.model;

/**
 * The {@code trino-spot-fte} classification: what the coordinator's fault-tolerant scheduler should know about the
 * cluster that Trino's defaults cannot. Trino cuts every hash stage into up to
 * {@code fault-tolerant-execution-max-partition-count} tasks (50), and every task pays the spool's per-file round
 * trips; on a small cluster 50 tasks run in waves and those round trips add up (README.md gives the figures). With the
 * workers' cores, render caps the partition count at what they can run.
 */
public final class FteKeys
{
    /** The vCPUs of all workers together, as the cluster usually runs. */
    public static final String WORKER_CORES = "fte.worker-cores";

    /** Trino's coordinator key the rendering writes. */
    public static final String MAX_PARTITION_COUNT = "fault-tolerant-execution-max-partition-count";

    /** The most partitions per core that still ran best in every measurement (README.md). */
    public static final int PARTITIONS_PER_CORE = 2;
    /** Trino's own bounds: its minimum partition count, and its default maximum, which stays the ceiling. */
    public static final int MIN_PARTITIONS = 4;
    public static final int MAX_PARTITIONS = 50;

    private FteKeys() {}

    /** The partition count for workers with {@code workerCores} vCPUs in all, within Trino's bounds. */
    public static int maxPartitionCount(int workerCores)
    {
        if (workerCores < 1) {
            throw new IllegalArgumentException("workerCores must be at least 1: " + workerCores);
        }
        return (int) Math.clamp((long) PARTITIONS_PER_CORE * workerCores, MIN_PARTITIONS, MAX_PARTITIONS);
    }
}
