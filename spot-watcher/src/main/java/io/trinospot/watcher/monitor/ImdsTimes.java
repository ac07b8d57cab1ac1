package io.trinospot.watcher.monitor;

import io.trinospot.watcher.imds.ImdsException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Parses IMDS times: RFC 3339 in notices, {@code 21 Jan 2019 09:00:43 GMT} in scheduled events.
 */
final class ImdsTimes
{
    private static final DateTimeFormatter SCHEDULED_EVENT = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss z", Locale.US);

    private ImdsTimes() {}

    static Instant rfc3339(String text)
            throws ImdsException
    {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        }
        catch (DateTimeException | NullPointerException e) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, "not an RFC 3339 time: '" + text + "'", e);
        }
    }

    static Instant scheduledEvent(String text)
            throws ImdsException
    {
        try {
            return ZonedDateTime.parse(text.trim(), SCHEDULED_EVENT).toInstant();
        }
        catch (DateTimeException | NullPointerException e) {
            // Be lenient about the format AWS documents, strict about getting a time at all.
            return rfc3339(text);
        }
    }
}
