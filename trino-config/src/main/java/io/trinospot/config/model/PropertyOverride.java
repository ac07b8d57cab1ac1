package io.trinospot.config.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A {@code --set} value: {@code key=value} targets {@code trino-config};
 * {@code classification:key=value} targets any other classification.
 */
public record PropertyOverride(String classification, String key, String value)
{
    public PropertyOverride
    {
        requireNonNull(classification, "classification is null");
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }

    /** Empty when {@code text} is not of the form {@code [classification:]key=value}. */
    public static Optional<PropertyOverride> parse(String text)
    {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            return Optional.empty();
        }
        String target = text.substring(0, equals);
        String value = text.substring(equals + 1);
        // values may hold URIs with colons, so only the part before '=' is split
        int colon = target.indexOf(':');
        if (colon < 0) {
            return Optional.of(new PropertyOverride(Classifications.TRINO_CONFIG, target, value));
        }
        String classification = target.substring(0, colon);
        String key = target.substring(colon + 1);
        if (classification.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PropertyOverride(classification, key, value));
    }

    public Configurations applyTo(Configurations configurations)
    {
        return configurations.withProperty(classification, key, value);
    }
}
