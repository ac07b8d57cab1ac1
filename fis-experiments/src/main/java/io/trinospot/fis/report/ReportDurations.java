package io.trinospot.fis.report;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the report shows them: {@code m:ss} ({@code 2:03}, {@code 75:00}), which reads at a glance where
 * ISO-8601's {@code PT2M3S} does not. The JSON keeps milliseconds ({@code 2:03.250}) so a report reads back exactly.
 */
public final class ReportDurations
{
    private static final Pattern MINUTES_SECONDS = Pattern.compile("(\\d+):([0-5]\\d)(?:\\.(\\d{3}))?");

    private ReportDurations() {}

    /** Whole seconds, {@code m:ss}; a part of a second is dropped. */
    public static String format(Duration duration)
    {
        long seconds = duration.toSeconds();
        if (seconds < 0) {
            return "-" + format(duration.negated());
        }
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** {@code m:ss}, with {@code .SSS} only when the duration has a part of a second. */
    public static String formatExact(Duration duration)
    {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a report offset is never negative: " + duration);
        }
        int millis = duration.toMillisPart();
        return format(duration) + (millis == 0 ? "" : String.format(Locale.ROOT, ".%03d", millis));
    }

    /** Reads {@code m:ss} or {@code m:ss.SSS}; ISO-8601 ({@code PT2M3S}) too, which older reports hold. */
    public static Duration parse(String text)
    {
        Matcher matcher = MINUTES_SECONDS.matcher(text);
        if (matcher.matches()) {
            Duration duration = Duration.ofMinutes(Long.parseLong(matcher.group(1))).plusSeconds(Long.parseLong(matcher.group(2)));
            return matcher.group(3) == null ? duration : duration.plusMillis(Long.parseLong(matcher.group(3)));
        }
        try {
            return Duration.parse(text);
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration like 2:03 (or PT2M3S): '" + text + "'");
        }
    }
}
