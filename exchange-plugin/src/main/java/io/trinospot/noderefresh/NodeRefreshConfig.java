package io.trinospot.noderefresh;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MaxDuration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.NotNull;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

/** Settings of the {@code spot-node-refresh} event listener (its own properties file on the coordinator). */
public class NodeRefreshConfig
{
    private Duration interval = new Duration(250, MILLISECONDS);

    @NotNull
    @MinDuration("50ms")
    @MaxDuration("5s")
    public Duration getInterval()
    {
        return interval;
    }

    @Config("node-refresh.interval")
    @ConfigDescription("How often the coordinator asks every worker for its state and applies the answers; Trino's own poll runs every 5s")
    public NodeRefreshConfig setInterval(Duration interval)
    {
        this.interval = interval;
        return this;
    }
}
