package io.trinospot.harness.imds;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A fault as injected: remembers how many requests it still applies to or when its window ends.
 * Guarded by the emulator's fault lock.
 */
final class ActiveFault
{
    private final Fault fault;
    private final Optional<Instant> until;
    private int remaining;

    ActiveFault(Fault fault, Instant injectedAt)
    {
        this.fault = requireNonNull(fault, "fault is null");
        this.until = fault.window().map(injectedAt::plus);
        this.remaining = fault.count();
    }

    Fault fault()
    {
        return fault;
    }

    boolean expired(Instant now)
    {
        return until.map(end -> !now.isBefore(end)).orElse(remaining <= 0);
    }

    boolean matches(String path)
    {
        return path.startsWith(fault.pathPrefix());
    }

    void consume()
    {
        if (until.isEmpty()) {
            remaining--;
        }
    }
}
