package io.trinospot.harness.sim;

/** The states a Trino 483 worker reports in {@code GET /v1/info} and {@code GET /v1/info/state}. */
public enum WorkerState
{
    ACTIVE,
    DRAINING,
    DRAINED,
    SHUTTING_DOWN;

    /** The name {@code system.runtime.nodes} shows for a node in this state. */
    public String listedAs()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
