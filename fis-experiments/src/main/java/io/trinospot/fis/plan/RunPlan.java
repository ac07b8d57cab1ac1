package io.trinospot.fis.plan;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
}
