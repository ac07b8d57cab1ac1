package io.trinospot.harness.bench;

import static java.util.Objects.requireNonNull;

/**
 * One timed run: wall time as the client saw it (first request to last row), CPU time and exchanged bytes from the
 * coordinator's query info.
 */
public record Measurement(String query, String storage, String mode, long wallMillis, long cpuMillis, long exchangedBytes, int rows)
{
    public Measurement
    {
        requireNonNull(query, "query is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(mode, "mode is null");
    }
}
