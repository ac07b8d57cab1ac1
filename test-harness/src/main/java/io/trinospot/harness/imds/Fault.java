package io.trinospot.harness.imds;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A fault to inject into IMDS answers. It applies to requests whose path starts with {@link #pathPrefix()},
 * either for the next {@link #count()} of them or, when {@link #window()} is set, to all of them until the
 * window (measured on the emulator's clock from injection) ends.
 */
public record Fault(Kind kind, int status, Duration delay, String pathPrefix, int count, Optional<Duration> window)
{
    public enum Kind
    {
        /** Answer with {@link #status()} (a 5xx, typically) and a short text body. */
        ERROR_STATUS,
        /** Wait {@link #delay()} before answering normally; other faults still apply afterwards. */
        DELAY,
        /** Close the connection without sending anything. */
        DROP,
        /** Answer 200 with a body that is not what the path promises. */
        MALFORMED,
        /** Send the answer's body one byte per {@link #delay()}, after its headers; other faults still decide the answer. */
        TRICKLE,
    }

    public Fault
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(delay, "delay is null");
        requireNonNull(pathPrefix, "pathPrefix is null");
        requireNonNull(window, "window is null");
        checkArgument(kind != Kind.ERROR_STATUS || (status >= 400 && status <= 599), "status must be 4xx or 5xx: %s", status);
        checkArgument(!delay.isNegative(), "delay is negative");
        checkArgument(count > 0 || window.isPresent(), "a fault needs a count or a window");
    }

    private static void checkArgument(boolean condition, String format, Object... args)
    {
        if (!condition) {
            throw new IllegalArgumentException(format.formatted(args));
        }
    }

    public static Fault errorStatus(int status)
    {
        return new Fault(Kind.ERROR_STATUS, status, Duration.ZERO, ImdsEmulator.IMDS_PREFIX, 1, Optional.empty());
    }

    public static Fault delay(Duration delay)
    {
        return new Fault(Kind.DELAY, 0, delay, ImdsEmulator.IMDS_PREFIX, 1, Optional.empty());
    }

    public static Fault drop()
    {
        return new Fault(Kind.DROP, 0, Duration.ZERO, ImdsEmulator.IMDS_PREFIX, 1, Optional.empty());
    }

    public static Fault trickle(Duration perByte)
    {
        return new Fault(Kind.TRICKLE, 0, perByte, ImdsEmulator.IMDS_PREFIX, 1, Optional.empty());
    }

    public static Fault malformed()
    {
        return new Fault(Kind.MALFORMED, 0, Duration.ZERO, ImdsEmulator.IMDS_PREFIX, 1, Optional.empty());
    }

    /** Applies to the next {@code requests} matching requests. */
    public Fault times(int requests)
    {
        checkArgument(requests > 0, "requests must be positive");
        return new Fault(kind, status, delay, pathPrefix, requests, Optional.empty());
    }

    /** Applies to every matching request during {@code duration} from injection. */
    public Fault during(Duration duration)
    {
        checkArgument(duration.isPositive(), "duration must be positive");
        return new Fault(kind, status, delay, pathPrefix, 0, Optional.of(duration));
    }

    /** Restricts the fault to paths starting with {@code prefix}, e.g. {@code /latest/meta-data/spot/}. */
    public Fault onPath(String prefix)
    {
        return new Fault(kind, status, delay, prefix, count, window);
    }
}
