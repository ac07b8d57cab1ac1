package io.trinospot.config.model;

import io.airlift.units.DataSize;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code trino-spot-fte} classification: what the coordinator's fault-tolerant scheduler should know about the
 * cluster that Trino's defaults cannot. Trino cuts every hash stage into up to
 * {@code fault-tolerant-execution-max-partition-count} tasks (50) and places a task on a worker only where its memory
 * estimate ({@code fault-tolerant-execution-task-memory}, 5GB) fits, so a small cluster runs such a stage in waves,
 * each paying the spool's per-file round trips. With the workers' count, render sizes the partition count to a few
 * tasks per place a task fits (README.md gives the figures).
 */
public final class FteKeys
{
    /** How many workers the cluster runs most of the time. */
    public static final String WORKERS = "fte.workers";

    /** Trino's coordinator keys the rendering reads or writes. */
    public static final String MAX_PARTITION_COUNT = "fault-tolerant-execution-max-partition-count";
    public static final String TASK_MEMORY = "fault-tolerant-execution-task-memory";
    public static final String HEAP_HEADROOM = "memory.heap-headroom-per-node";

    /** Measured on 2 to 4 workers that each fit one task at a time (README.md). */
    public static final int PARTITIONS_PER_TASK_PLACE = 3;
    /** Trino's own bounds: its minimum partition count, and its default maximum, which stays the ceiling. */
    public static final int MIN_PARTITIONS = 4;
    public static final int MAX_PARTITIONS = 50;

    /** Trino's defaults for what the file leaves out. */
    static final DataSize DEFAULT_TASK_MEMORY = DataSize.of(5, DataSize.Unit.GIGABYTE);
    static final double DEFAULT_HEAP_HEADROOM_FRACTION = 0.3;

    private FteKeys() {}

    /**
     * The partition count for {@code workers} workers of {@code heapSize} (JVM syntax, as {@code jvm.heap-size}):
     * a worker's memory pool (its heap less the headroom, Trino's 30 % unless given) holds
     * {@code pool / task memory} tasks, at least one (Trino places one task on an idle worker whatever its estimate).
     */
    public static int maxPartitionCount(int workers, String heapSize, Optional<String> heapHeadroom, Optional<String> taskMemory)
    {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
        long heap = jvmBytes(heapSize);
        long headroom = heapHeadroom.map(value -> DataSize.valueOf(value).toBytes()).orElse((long) (heap * DEFAULT_HEAP_HEADROOM_FRACTION));
        long task = taskMemory.map(value -> DataSize.valueOf(value).toBytes()).orElse(DEFAULT_TASK_MEMORY.toBytes());
        long placesPerWorker = Math.max(1, Math.max(0, heap - headroom) / Math.max(1, task));
        long partitions = PARTITIONS_PER_TASK_PLACE * workers * placesPerWorker;
        return (int) Math.clamp(partitions, MIN_PARTITIONS, MAX_PARTITIONS);
    }

    /** A size in the JVM's {@code -Xmx} syntax: digits, then optionally k, m, g or t (any case). */
    static long jvmBytes(String size)
    {
        String value = size.strip().toLowerCase(Locale.ROOT);
        int shift = switch (value.charAt(value.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        return Long.parseLong(digits) << shift;
    }
}
