package io.trinospot.fis.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happened at a point of the run. */
public enum EventKind
{
    @JsonProperty("rebalance") REBALANCE("rebalance recommendation"),
    @JsonProperty("spot-notice") SPOT_NOTICE("Spot notice"),
    @JsonProperty("interrupt") INTERRUPT("interrupted (killed)"),
    @JsonProperty("stop") STOP("stopped"),
    @JsonProperty("start") START("started"),
    @JsonProperty("terminate") TERMINATE("terminated"),
    @JsonProperty("reboot") REBOOT("rebooted"),
    @JsonProperty("node-joined") NODE_JOINED("node joined"),
    @JsonProperty("query-started") QUERY_STARTED("query started"),
    @JsonProperty("query-finished") QUERY_FINISHED("query finished"),
    @JsonProperty("task-failed") TASK_FAILED("task failed");

    private final String label;

    EventKind(String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
