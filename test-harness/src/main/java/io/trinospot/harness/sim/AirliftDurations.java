package io.trinospot.harness.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as Trino's JSON carries them (Airlift's {@code Duration}): a value with two decimals in the largest unit
 * in which it is at least 1, e.g. {@code 12.50s}, {@code 3.00m}; the coordinator parses them back.
 */
final class AirliftDurations
{
    private static final String[] UNITS = {"ns", "us", "ms", "s", "m", "h", "d"};
    private static final double[] NANOS = {1, 1e3, 1e6, 1e9, 60e9, 3600e9, 86400e9};

    private AirliftDurations() {}

    static String format(Duration duration)
    {
        double nanos = duration.toNanos();
        int unit = 0;
        while (unit + 1 < UNITS.length && nanos >= NANOS[unit + 1]) {
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f%s", nanos / NANOS[unit], UNITS[unit]);
    }
}
