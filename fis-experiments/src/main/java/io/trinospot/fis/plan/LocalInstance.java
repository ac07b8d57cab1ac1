package io.trinospot.fis.plan;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A node of a local cluster, seen the way FIS sees an EC2 instance.
 *
 * @param name the node's name in the harness (e.g. {@code worker-3}); it plays the instance id
 */
public record LocalInstance(String name, Map<String, String> tags, Lifecycle lifecycle, InstanceState state)
{
    public LocalInstance
    {
        requireNonNull(name, "name is null");
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(lifecycle, "lifecycle is null");
        requireNonNull(state, "state is null");
    }

    /**
     * The value of an attribute path a FIS filter can name, as DescribeInstances would report it; empty when the
     * attribute is absent (EC2 reports no InstanceLifecycle for on-demand instances).
     */
    public Optional<String> attribute(String path)
    {
        return switch (path) {
            case "State.Name" -> Optional.of(state.text());
            case "InstanceLifecycle" -> lifecycle == Lifecycle.SPOT ? Optional.of("spot") : Optional.empty();
            case "InstanceId" -> Optional.of(name);
            default -> throw new IllegalArgumentException(path);
        };
    }

    /** The attribute paths {@link #attribute} understands. */
    public static final java.util.List<String> FILTER_PATHS = java.util.List.of("State.Name", "InstanceLifecycle", "InstanceId");

    /** A resource ARN names this instance when its resource id is the instance's name. */
    public boolean isNamedBy(String arn)
    {
        return arn.endsWith(":instance/" + name);
    }
}
