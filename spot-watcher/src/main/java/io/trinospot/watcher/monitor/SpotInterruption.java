package io.trinospot.watcher.monitor;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * EC2 will terminate, stop or hibernate this instance at {@code deadline}.
 *
 * @param deadline the notice's {@code time} as first seen; later moves of that time are ignored
 */
public record SpotInterruption(String action, Instant deadline, Instant observedAt)
        implements InterruptionEvent
{
    public SpotInterruption
    {
        requireNonNull(action, "action is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(observedAt, "observedAt is null");
    }

    @Override
    public String kind()
    {
        return "spot-interruption";
    }
}
