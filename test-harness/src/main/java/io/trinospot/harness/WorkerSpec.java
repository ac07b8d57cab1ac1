package io.trinospot.harness;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One worker to start. Labels say what the worker stands for in an experiment, e.g.
 * {@code lifecycle=spot}, {@code Name=MyTrinoCluster}; they are the harness's, Trino does not see them.
 */
public record WorkerSpec(String name, Map<String, String> labels)
{
    public static final String LIFECYCLE = "lifecycle";

    public WorkerSpec
    {
        requireNonNull(name, "name is null");
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("Worker name must be lower-case letters, digits and dashes: " + name);
        }
    }

    public static WorkerSpec spot(String name)
    {
        return new WorkerSpec(name, Map.of(LIFECYCLE, "spot"));
    }

    public static WorkerSpec onDemand(String name)
    {
        return new WorkerSpec(name, Map.of(LIFECYCLE, "on-demand"));
    }

    public String lifecycle()
    {
        return labels.getOrDefault(LIFECYCLE, "on-demand");
    }
}
