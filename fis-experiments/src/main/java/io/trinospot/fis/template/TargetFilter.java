package io.trinospot.fis.template;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Keeps the resources whose attribute at {@code path} (e.g. {@code State.Name}) has one of {@code values}. */
public record TargetFilter(String path, List<String> values)
{
    public TargetFilter
    {
        requireNonNull(path, "path is null");
        values = List.copyOf(requireNonNull(values, "values is null"));
    }
}
