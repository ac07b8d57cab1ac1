package io.trinospot.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Coordinator settings a benchmark cluster starts with, under a label, so that settings that exist only in the
 * coordinator's config (not as session properties, such as
 * {@code fault-tolerant-execution-task-runtime-memory-estimation-overhead}) can be compared: one cluster per variant,
 * each with its own NONE, so every ratio is still taken within one cluster.
 */
public record ClusterVariant(String label, Map<String, String> coordinatorProperties)
{
    /** Trino's own defaults: nothing set. */
    public static final ClusterVariant DEFAULTS = new ClusterVariant("defaults", Map.of());

    public ClusterVariant
    {
        requireNonNull(label, "label is null");
        if (!label.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("Variant label '" + label + "': lower-case letters, digits and dashes");
        }
        // in the order given, as the report prints them
        coordinatorProperties = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(coordinatorProperties, "coordinatorProperties is null")));
    }

    /**
     * Variants separated by {@code ;}, each {@code label} or {@code label:key=value,key=value}, e.g.
     * {@code defaults;small-tasks:fault-tolerant-execution-task-memory=256MB}. Blank: {@link #DEFAULTS} alone.
     */
    public static List<ClusterVariant> parseAll(String text)
    {
        List<ClusterVariant> variants = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (String item : text.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            ClusterVariant variant = parse(item.strip());
            if (!labels.add(variant.label())) {
                throw new IllegalArgumentException("Variant '" + variant.label() + "' is given twice");
            }
            variants.add(variant);
        }
        return variants.isEmpty() ? List.of(DEFAULTS) : List.copyOf(variants);
    }

    static ClusterVariant parse(String text)
    {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new ClusterVariant(text, Map.of());
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : text.substring(colon + 1).split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || equals == pair.length() - 1) {
                throw new IllegalArgumentException("Variant '" + text + "': '" + pair.strip() + "' is not key=value");
            }
            String key = pair.substring(0, equals).strip();
            if (properties.put(key, pair.substring(equals + 1).strip()) != null) {
                throw new IllegalArgumentException("Variant '" + text + "': " + key + " is given twice");
            }
        }
        return new ClusterVariant(text.substring(0, colon).strip(), properties);
    }

    /** What the report calls a storage's cluster with this variant: the storage alone when it is the only variant. */
    public String storageLabel(SpoolStorage storage, boolean onlyVariant)
    {
        return onlyVariant ? storage.label() : storage.label() + " " + label;
    }
}
