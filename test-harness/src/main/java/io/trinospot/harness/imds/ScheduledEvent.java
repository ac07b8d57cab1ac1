package io.trinospot.harness.imds;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One entry of {@code meta-data/events/maintenance/scheduled}.
 *
 * @param code e.g. {@code instance-stop}, {@code instance-retirement}, {@code instance-reboot},
 * {@code system-reboot}, {@code system-maintenance}
 * @param state {@code active}, {@code completed} or {@code canceled}
 */
public record ScheduledEvent(
        String code,
        String description,
        String state,
        String eventId,
        Instant notBefore,
        Optional<Instant> notAfter,
        Optional<Instant> notBeforeDeadline)
{
    public ScheduledEvent
    {
        requireNonNull(code, "code is null");
        requireNonNull(description, "description is null");
        requireNonNull(state, "state is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(notBefore, "notBefore is null");
        requireNonNull(notAfter, "notAfter is null");
        requireNonNull(notBeforeDeadline, "notBeforeDeadline is null");
    }

    /**
     * An active event with a one-hour window and no deadline, the common shape of a stop or retirement.
     */
    public static ScheduledEvent active(String code, String eventId, Instant notBefore)
    {
        return new ScheduledEvent(
                code,
                "The instance is scheduled for " + code,
                "active",
                eventId,
                notBefore,
                Optional.of(notBefore.plusSeconds(3600)),
                Optional.empty());
    }

    public ScheduledEvent withState(String newState)
    {
        return new ScheduledEvent(code, description, newState, eventId, notBefore, notAfter, notBeforeDeadline);
    }
}
