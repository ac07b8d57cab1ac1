package io.trinospot.fis.template;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A named set of resources: identified by ARNs or by tags, narrowed by filters, then by the selection mode. */
public record Target(
        String name,
        ResourceType resourceType,
        List<String> resourceArns,
        Map<String, String> resourceTags,
        List<TargetFilter> filters,
        SelectionMode selectionMode)
{
    public Target
    {
        requireNonNull(name, "name is null");
        requireNonNull(resourceType, "resourceType is null");
        resourceArns = List.copyOf(requireNonNull(resourceArns, "resourceArns is null"));
        resourceTags = Map.copyOf(requireNonNull(resourceTags, "resourceTags is null"));
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
        requireNonNull(selectionMode, "selectionMode is null");
    }
}
