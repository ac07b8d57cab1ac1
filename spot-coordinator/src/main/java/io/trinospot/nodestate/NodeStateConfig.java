package io.trinospot.nodestate;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MaxDuration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.NotNull;

import static java.util.concurrent.TimeUnit.SECONDS;

/** Settings of a {@code spot_node_state} catalog (its properties file on the coordinator). */
public class NodeStateConfig
{
    private Duration maxWait = new Duration(5, SECONDS);

    @NotNull
    @MinDuration("100ms")
    @MaxDuration("1m")
    public Duration getMaxWait()
    {
        return maxWait;
    }

    @Config("node-state.max-wait")
    @ConfigDescription("How long worker_shutting_down waits for the worker to leave the coordinator's active workers before it fails")
    public NodeStateConfig setMaxWait(Duration maxWait)
    {
        this.maxWait = maxWait;
        return this;
    }
}
