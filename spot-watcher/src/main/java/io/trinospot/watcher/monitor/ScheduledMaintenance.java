package io.trinospot.watcher.monitor;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * An active scheduled event from {@code events/maintenance/scheduled}, when first seen or rescheduled (the same
 * {@code eventId} with a new {@code notBefore}, which replaces the old one).
 */
public record ScheduledMaintenance(String eventId, String code, String description, Instant notBefore, Optional<Instant> notAfter, Instant observedAt)
        implements InterruptionEvent
{
    // Codes after which the worker is gone or restarted; system-maintenance may leave the instance running.
    private static final Set<String> STOPPING_CODES = Set.of("instance-stop", "instance-retirement", "instance-reboot", "system-reboot");

    public ScheduledMaintenance
    {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(code, "code is null");
        requireNonNull(description, "description is null");
        requireNonNull(notBefore, "notBefore is null");
        requireNonNull(notAfter, "notAfter is null");
        requireNonNull(observedAt, "observedAt is null");
    }

    public boolean stopsOrReboots()
    {
        return STOPPING_CODES.contains(code);
    }

    @Override
    public String kind()
    {
        return "scheduled-maintenance";
    }
}
