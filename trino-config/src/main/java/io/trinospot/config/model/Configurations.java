package io.trinospot.config.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/** A parsed configurations file: the list of classifications, in file order, each name at most once. */
public record Configurations(List<Classification> classifications)
{
    public Configurations
    {
        classifications = List.copyOf(requireNonNull(classifications, "classifications is null"));
    }

    public Optional<Classification> find(String name)
    {
        return classifications.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<String> property(String classification, String key)
    {
        return find(classification).flatMap(c -> c.get(key));
    }

    /** Applies {@code change} to the named classification, creating an empty one at the end if absent. */
    public Configurations update(String name, UnaryOperator<Classification> change)
    {
        List<Classification> result = new ArrayList<>(classifications);
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i).name().equals(name)) {
                result.set(i, change.apply(result.get(i)));
                return new Configurations(result);
            }
        }
        result.add(change.apply(new Classification(name, Map.of())));
        return new Configurations(result);
    }

    public Configurations withProperty(String classification, String key, String value)
    {
        return update(classification, c -> c.with(key, value));
    }

    public Configurations without(String name)
    {
        return new Configurations(classifications.stream().filter(c -> !c.name().equals(name)).toList());
    }
}
