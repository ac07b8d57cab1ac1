package io.trinospot.fis.plan;

import java.util.Arrays;
import java.util.Optional;

/** How an instance was bought: only {@code spot} instances can receive a Spot interruption. */
public enum Lifecycle
{
    SPOT("spot"),
    ON_DEMAND("on-demand");

    private final String text;

    Lifecycle(String text)
    {
        this.text = text;
    }

    public String text()
    {
        return text;
    }

    public static Optional<Lifecycle> fromText(String text)
    {
        return Arrays.stream(values()).filter(value -> value.text.equals(text)).findFirst();
    }
}
