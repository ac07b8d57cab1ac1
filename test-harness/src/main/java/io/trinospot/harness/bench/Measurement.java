package io.trinospot.harness.bench;

import java.util.List;
import java.util.function.ToLongFunction;

import static java.util.Objects.requireNonNull;

/**
 * One timed run: wall time as the client saw it (first request to last row), CPU time and exchanged bytes from the
 * coordinator's query info; or the median of several such runs.
 */
public record Measurement(String query, String storage, String mode, long wallMillis, long cpuMillis, long exchangedBytes, int rows)
{
    public Measurement
    {
        requireNonNull(query, "query is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(mode, "mode is null");
    }

    /** One query's runs in one mode as a single measurement: the median wall, CPU and exchanged bytes of each. */
    public static Measurement median(List<Measurement> runs)
    {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("No runs");
        }
        Measurement first = runs.getFirst();
        for (Measurement run : runs) {
            if (!run.query().equals(first.query()) || !run.storage().equals(first.storage()) || !run.mode().equals(first.mode())) {
                throw new IllegalArgumentException("Runs of different queries or modes: " + first + ", " + run);
            }
        }
        return new Measurement(first.query(), first.storage(), first.mode(),
                median(runs, Measurement::wallMillis), median(runs, Measurement::cpuMillis), median(runs, Measurement::exchangedBytes), first.rows());
    }

    private static long median(List<Measurement> runs, ToLongFunction<Measurement> value)
    {
        long[] sorted = runs.stream().mapToLong(value).sorted().toArray();
        int middle = sorted.length / 2;
        // an even count: the mean of the two middle values
        return sorted.length % 2 == 1 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2.0);
    }
}
