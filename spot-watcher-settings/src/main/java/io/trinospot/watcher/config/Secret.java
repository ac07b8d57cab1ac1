package io.trinospot.watcher.config;

import static java.util.Objects.requireNonNull;

/**
 * A secret value; its {@code toString} never shows it, so settings that hold one can be logged.
 */
public record Secret(String value)
{
    public Secret
    {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString()
    {
        return "***";
    }
}
