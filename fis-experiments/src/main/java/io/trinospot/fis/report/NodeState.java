package io.trinospot.fis.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's state as the timeline shows it; the first three are Trino's own node states. */
public enum NodeState
{
    @JsonProperty("active") ACTIVE("active", "#3a9d5d"),
    @JsonProperty("draining") DRAINING("draining", "#d4b106"),
    @JsonProperty("shutting_down") SHUTTING_DOWN("shutting_down", "#e07b24"),
    @JsonProperty("stopped") STOPPED("stopped", "#7a8aa0"),
    @JsonProperty("gone") GONE("gone", "#c9ccd1");

    private final String label;
    private final String color;

    NodeState(String label, String color)
    {
        this.label = label;
        this.color = color;
    }

    public String label()
    {
        return label;
    }

    String color()
    {
        return color;
    }
}
