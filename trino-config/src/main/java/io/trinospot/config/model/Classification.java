package io.trinospot.config.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One EMR configuration classification: a name, its properties in file order, and nested classifications
 * (EMR uses those for e.g. {@code hadoop-env}/{@code export}; none of ours take any).
 */
public record Classification(String name, Map<String, String> properties, List<Classification> configurations)
{
    public Classification
    {
        requireNonNull(name, "name is null");
        // LinkedHashMap keeps the file's order, so emr output reads like its input
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(properties, "properties is null")));
        configurations = List.copyOf(requireNonNull(configurations, "configurations is null"));
    }

    public Classification(String name, Map<String, String> properties)
    {
        this(name, properties, List.of());
    }

    public Optional<String> get(String key)
    {
        return Optional.ofNullable(properties.get(key));
    }

    public Classification with(String key, String value)
    {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return new Classification(name, copy, configurations);
    }

    public Classification without(String key)
    {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.remove(key);
        return new Classification(name, copy, configurations);
    }

    /** Replaces {@code oldKey} by {@code newKey} at the same position, keeping the order of the others. */
    public Classification renamed(String oldKey, String newKey, String value)
    {
        Map<String, String> copy = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (k.equals(oldKey)) {
                copy.put(newKey, value);
            }
            else if (!k.equals(newKey)) {
                copy.put(k, v);
            }
        });
        return new Classification(name, copy, configurations);
    }
}
