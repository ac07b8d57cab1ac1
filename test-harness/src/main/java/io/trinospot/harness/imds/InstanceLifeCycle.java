package io.trinospot.harness.imds;

/**
 * The value served at {@code meta-data/instance-life-cycle}.
 */
public enum InstanceLifeCycle
{
    SPOT,
    ON_DEMAND;

    public String wireName()
    {
        return this == SPOT ? "spot" : "on-demand";
    }
}
