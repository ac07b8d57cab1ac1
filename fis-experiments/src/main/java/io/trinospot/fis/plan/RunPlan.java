package io.trinospot.fis.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;

import static java.util.Objects.requireNonNull;

/**
 * What a local run of a template will do, computed before anything is touched.
 *
 * @param selected the instances each target resolved to, by target name
 * @param steps in the order to perform them (by offset, then in template order)
 * @param notes things the run will do differently from FIS on AWS, or skip
 * @param duration offset of the last step
 */
public record RunPlan(String description, long seed, SequencedMap<String, List<String>> selected, List<Step> steps, List<String> notes, Duration duration)
{
    public RunPlan
    {
        requireNonNull(description, "description is null");
        // kept in template order, which is the order people read the template in
        selected = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(requireNonNull(selected, "selected is null")));
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        notes = List.copyOf(requireNonNull(notes, "notes is null"));
        requireNonNull(duration, "duration is null");
    }

    /**
     * The same plan with every offset multiplied by {@code factor} (0.25: a two-minute notice lasts 30 s). FIS allows
     * no notice under two minutes; a local series that must run many faults compresses time instead, keeping the
     * plan's shape: which instances, in which order, each notice ending in its interruption.
     */
    public RunPlan timeScaled(double factor)
    {
        try {
            TimeScale.check(factor);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("A plan's time scale " + e.getMessage(), e);
        }
        if (factor == 1) {
            return this;
        }
        List<Step> scaled = steps.stream()
                .map(step -> new Step(scale(step.at(), factor), step.kind(), step.action(), step.instance(), step.interruptionAt().map(at -> scale(at, factor))))
                .toList();
        List<String> scaledNotes = new ArrayList<>(notes);
        scaledNotes.add(String.format(Locale.ROOT, "every offset scaled by %s: a local compression, not a timing FIS can play", factor));
        return new RunPlan(description, seed, selected, scaled, scaledNotes, scale(duration, factor));
    }

    private static Duration scale(Duration duration, double factor)
    {
        return Duration.ofMillis(Math.round(duration.toMillis() * factor));
    }
}
