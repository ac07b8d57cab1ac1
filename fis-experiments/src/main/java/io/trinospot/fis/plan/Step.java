package io.trinospot.fis.plan;

import io.trinospot.fis.template.IsoDurations;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One thing to do at an offset from the start of the run.
 *
 * @param at offset from the start of the experiment
 * @param action the template action this step belongs to
 * @param instance the instance it acts on; empty for an action's start and end
 * @param interruptionAt for a Spot notice, the offset at which the instance will be interrupted (what the notice's
 * {@code time} says)
 */
public record Step(Duration at, StepKind kind, String action, Optional<String> instance, Optional<Duration> interruptionAt)
{
    public Step
    {
        requireNonNull(at, "at is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(action, "action is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(interruptionAt, "interruptionAt is null");
    }

    static Step ofAction(Duration at, StepKind kind, String action)
    {
        return new Step(at, kind, action, Optional.empty(), Optional.empty());
    }

    static Step onInstance(Duration at, StepKind kind, String action, String instance)
    {
        return new Step(at, kind, action, Optional.of(instance), Optional.empty());
    }

    /** e.g. {@code +PT0S  spot-notice  InterruptSpotNodes  worker-3  (interruption at +PT2M)} */
    public String line()
    {
        return String.format("+%-8s %-16s %-24s %s%s",
                IsoDurations.format(at), kind.label(), action, instance.orElse("-"),
                interruptionAt.map(time -> " (interruption at +" + IsoDurations.format(time) + ")").orElse(""));
    }
}
