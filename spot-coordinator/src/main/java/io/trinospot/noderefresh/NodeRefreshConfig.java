package io.trinospot.noderefresh;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MaxDuration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.NotNull;

import static java.util.concurrent.TimeUnit.SECONDS;

/** Settings of the {@code spot-node-refresh} event listener (its own properties file on the coordinator). */
public class NodeRefreshConfig
{
    private Duration interval = new Duration(1, SECONDS);
    private boolean askWorkers;
    private boolean requireInternals;

    @NotNull
    @MinDuration("50ms")
    @MaxDuration("1m")
    public Duration getInterval()
    {
        return interval;
    }

    @Config("node-refresh.interval")
    @ConfigDescription("How often the node list is rebuilt from the workers' answers, behind the agents' announcements; Trino's own poll asks every 5s but applies the answers only at its next round")
    public NodeRefreshConfig setInterval(Duration interval)
    {
        this.interval = interval;
        return this;
    }

    public boolean isAskWorkers()
    {
        return askWorkers;
    }

    @Config("node-refresh.ask-workers")
    @ConfigDescription("Ask every worker for its state at each interval and wait for the answers (for clusters whose agents do not announce; one request per worker per interval), instead of applying the answers Trino's own poll has received")
    public NodeRefreshConfig setAskWorkers(boolean askWorkers)
    {
        this.askWorkers = askWorkers;
        return this;
    }

    public boolean isRequireInternals()
    {
        return requireInternals;
    }

    @Config("node-refresh.require-internals")
    @ConfigDescription("Refuse to start the coordinator when its node manager cannot be reached (another Trino version, missing JVM options); by default the listener warns and Trino's own poll stays in charge")
    public NodeRefreshConfig setRequireInternals(boolean requireInternals)
    {
        this.requireInternals = requireInternals;
        return this;
    }
}
