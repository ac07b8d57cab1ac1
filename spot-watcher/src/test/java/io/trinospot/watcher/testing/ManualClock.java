package io.trinospot.watcher.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static java.util.Objects.requireNonNull;

/**
 * A clock that moves only when told. Advancing it runs nothing: use {@link ManualScheduler#advance} for time that
 * passes between tasks; advance the clock itself for time that passes inside a call (a slow request).
 * Confined to the test's thread.
 */
public final class ManualClock
        implements InstantSource
{
    private Instant now;

    public ManualClock(Instant start)
    {
        this.now = requireNonNull(start, "start is null");
    }

    @Override
    public Instant instant()
    {
        return now;
    }

    public void advance(Duration duration)
    {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + duration);
        }
        now = now.plus(duration);
    }

    void advanceTo(Instant instant)
    {
        if (instant.isAfter(now)) {
            now = instant;
        }
    }
}
