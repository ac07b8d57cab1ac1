package io.trinospot.config.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which kind of node an etc/ is rendered for. */
public enum Role
{
    COORDINATOR,
    WORKER;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text)
    {
        return Arrays.stream(values()).filter(r -> r.label().equals(text)).findFirst();
    }
}
