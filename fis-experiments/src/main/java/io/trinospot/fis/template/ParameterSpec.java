package io.trinospot.fis.template;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One parameter an action takes, with the rule its value must follow.
 *
 * @param minimum for durations, the shortest allowed; empty for booleans
 * @param maximum for durations, the longest allowed; empty for booleans
 */
public record ParameterSpec(String name, boolean required, Kind kind, Optional<Duration> minimum, Optional<Duration> maximum)
{
    public enum Kind
    {
        DURATION, BOOLEAN
    }

    public ParameterSpec
    {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(minimum, "minimum is null");
        requireNonNull(maximum, "maximum is null");
    }

    static ParameterSpec duration(String name, boolean required, Duration minimum, Duration maximum)
    {
        return new ParameterSpec(name, required, Kind.DURATION, Optional.of(minimum), Optional.of(maximum));
    }

    static ParameterSpec flag(String name)
    {
        return new ParameterSpec(name, false, Kind.BOOLEAN, Optional.empty(), Optional.empty());
    }

    /** Why the value is not acceptable, or empty when it is. */
    public Optional<String> check(String value)
    {
        if (kind == Kind.BOOLEAN) {
            return value.equals("true") || value.equals("false")
                    ? Optional.empty()
                    : Optional.of("must be true or false, got '" + value + "'");
        }
        Optional<Duration> duration = IsoDurations.parse(value);
        if (duration.isEmpty()) {
            return Optional.of("not an ISO-8601 duration like PT2M: '" + value + "'");
        }
        Duration min = minimum.orElseThrow();
        Duration max = maximum.orElseThrow();
        if (duration.get().compareTo(min) < 0 || duration.get().compareTo(max) > 0) {
            return Optional.of("must be between " + IsoDurations.format(min) + " and " + IsoDurations.format(max) + ", got " + value);
        }
        return Optional.empty();
    }
}
