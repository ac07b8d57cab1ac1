package io.trinospot.harness.imds;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A clock that moves only when told to, so tests can step through token expiry and notice schedules
 * without waiting.
 */
public final class ManualClock
        implements InstantSource
{
    private final AtomicReference<Instant> now;

    public ManualClock(Instant start)
    {
        this.now = new AtomicReference<>(requireNonNull(start, "start is null"));
    }

    @Override
    public Instant instant()
    {
        return now.get();
    }

    public Instant advance(Duration step)
    {
        requireNonNull(step, "step is null");
        return now.updateAndGet(current -> current.plus(step));
    }

    public void set(Instant instant)
    {
        now.set(requireNonNull(instant, "instant is null"));
    }
}
