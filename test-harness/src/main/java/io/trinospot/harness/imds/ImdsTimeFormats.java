package io.trinospot.harness.imds;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The two time formats IMDS uses: RFC 3339 in UTC for Spot and rebalance notices, and the
 * {@code 21 Jan 2019 09:00:43 GMT} form in scheduled events.
 */
final class ImdsTimeFormats
{
    private static final DateTimeFormatter SCHEDULED_EVENT =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private ImdsTimeFormats() {}

    static String rfc3339(Instant instant)
    {
        // IMDS reports whole seconds.
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String scheduledEvent(Instant instant)
    {
        return SCHEDULED_EVENT.format(instant);
    }
}
