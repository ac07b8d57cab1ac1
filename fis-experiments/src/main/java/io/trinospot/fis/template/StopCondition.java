package io.trinospot.fis.template;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Stops an experiment early: {@code none}, or {@code aws:cloudwatch:alarm} with the alarm's ARN as value.
 */
public record StopCondition(String source, Optional<String> value)
{
    public static final String NONE = "none";
    public static final String CLOUDWATCH_ALARM = "aws:cloudwatch:alarm";

    public StopCondition
    {
        requireNonNull(source, "source is null");
        requireNonNull(value, "value is null");
    }
}
