package io.trinospot.fis.template;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict ISO-8601 durations as FIS parameters use them: {@code PT2M}, {@code PT1M30S}, {@code PT12H}, {@code P1D}.
 * {@link Duration#parse} is deliberately not used: it accepts lower case, signs and fractions, which FIS rejects.
 * Years, months and weeks are refused because their length is not fixed.
 */
public final class IsoDurations
{
    private static final Pattern FORMAT = Pattern.compile("P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?");

    private IsoDurations() {}

    public static Optional<Duration> parse(String text)
    {
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches() || text.equals("P") || text.endsWith("T")) {
            return Optional.empty();
        }
        try {
            Duration duration = Duration.ZERO;
            duration = duration.plusDays(number(matcher.group(1)));
            duration = duration.plusHours(number(matcher.group(2)));
            duration = duration.plusMinutes(number(matcher.group(3)));
            duration = duration.plusSeconds(number(matcher.group(4)));
            return Optional.of(duration);
        }
        catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The shortest ISO-8601 text for a duration of whole seconds, e.g. {@code PT1M30S}. */
    public static String format(Duration duration)
    {
        return duration.isZero() ? "PT0S" : duration.toString();
    }

    private static long number(String digits)
    {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
