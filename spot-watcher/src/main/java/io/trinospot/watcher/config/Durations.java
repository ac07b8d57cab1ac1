package io.trinospot.watcher.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as written in properties files: {@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 10m},
 * {@code 2h}, {@code 1d}. A bare number is not accepted, so a missing unit cannot silently mean seconds.
 */
public final class Durations
{
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)\\s*");

    private Durations() {}

    public static Duration parse(String text)
    {
        Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration (expected e.g. 500ms, 1s, 10m): '" + text + "'");
        }
        BigDecimal value = new BigDecimal(matcher.group(1));
        long millisPerUnit = switch (matcher.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> throw new IllegalStateException();
        };
        return Duration.ofMillis(value.multiply(BigDecimal.valueOf(millisPerUnit)).longValueExact());
    }

    public static String format(Duration duration)
    {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
