package io.trinospot.fis.template;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One step of an experiment.
 *
 * @param target the name of the target it acts on; empty for {@code aws:fis:wait}
 * @param startAfter actions that must finish before this one starts; empty means it starts with the experiment
 */
public record Action(String name, ActionType type, Map<String, String> parameters, Optional<String> target, List<String> startAfter)
{
    public Action
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
        requireNonNull(target, "target is null");
        startAfter = List.copyOf(requireNonNull(startAfter, "startAfter is null"));
    }

    /** A duration parameter; the template was validated, so a present value parses. */
    public Optional<Duration> duration(String parameter)
    {
        return Optional.ofNullable(parameters.get(parameter)).map(value -> IsoDurations.parse(value).orElseThrow());
    }
}
