package io.trinospot.watcher.monitor;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A scheduled event reported earlier as active is now listed as canceled or completed: a drain still waiting
 * for it should not start.
 *
 * @param state the event's {@code State} as listed, lower case ({@code canceled}, {@code completed})
 */
public record ScheduledMaintenanceCanceled(String eventId, String code, String state, Instant observedAt)
        implements InterruptionEvent
{
    public ScheduledMaintenanceCanceled
    {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(code, "code is null");
        requireNonNull(state, "state is null");
        requireNonNull(observedAt, "observedAt is null");
    }

    @Override
    public String kind()
    {
        return "scheduled-maintenance-canceled";
    }
}
