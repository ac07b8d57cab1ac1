package io.trinospot.fis.plan;

import io.trinospot.fis.template.Action;
import io.trinospot.fis.template.ActionType;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.IsoDurations;
import io.trinospot.fis.template.StopCondition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Turns a validated template and a list of local instances into a timeline. Pure: the same template, instances and
 * seed always give the same plan.
 *
 * <p>Timing follows FIS: an action without {@code startAfter} starts with the experiment, otherwise when the last
 * action it waits for has finished. A Spot interruption action posts the rebalance recommendation and the notice at
 * its start and finishes when the instances are interrupted, {@code durationBeforeInterruption} later; a wait
 * finishes after its {@code duration}; a stop finishes when the instances are started again (or at once); terminate
 * and reboot finish at once. Targets are resolved once, when the experiment starts, as FIS does.
 */
public final class Planner
{
    private Planner() {}

    public static RunPlan plan(ExperimentTemplate template, List<LocalInstance> instances, long seed)
            throws PlanException
    {
        // SplittableRandom mixes its seed; java.util.Random's first draws barely differ between seeds 0, 1, 2, ...
        RandomGenerator random = new SplittableRandom(seed);
        SequencedMap<String, List<String>> selected = new LinkedHashMap<>();
        for (var target : template.targets().values()) {
            selected.put(target.name(), TargetResolver.resolve(target, instances, random).stream().map(LocalInstance::name).toList());
        }

        List<String> notes = new ArrayList<>();
        template.stopConditions().stream()
                .filter(condition -> condition.source().equals(StopCondition.CLOUDWATCH_ALARM))
                .forEach(condition -> notes.add("stop condition " + condition.value().orElse("") + " is a CloudWatch alarm: a local run cannot watch it and ignores it"));

        Map<String, Duration> ends = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        // when an instance stops existing; a later action on it would fail on AWS, locally it is skipped with a note
        Map<String, Duration> goneAt = new HashMap<>();
        for (Action action : inStartOrder(template)) {
            Duration start = action.startAfter().stream().map(ends::get).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
            List<String> targets = action.target().map(selected::get).orElse(List.of());
            steps.add(Step.ofAction(start, StepKind.ACTION_START, action.name()));
            Duration end = switch (action.type()) {
                case SEND_SPOT_INSTANCE_INTERRUPTIONS -> {
                    Duration notice = action.duration("durationBeforeInterruption").orElseThrow();
                    for (String instance : live(targets, start, goneAt, action, notes)) {
                        steps.add(Step.onInstance(start, StepKind.REBALANCE_RECOMMENDATION, action.name(), instance));
                        steps.add(new Step(start, StepKind.SPOT_NOTICE, action.name(), Optional.of(instance), Optional.of(start.plus(notice))));
                        steps.add(Step.onInstance(start.plus(notice), StepKind.INTERRUPT, action.name(), instance));
                        goneAt.put(instance, start.plus(notice));
                    }
                    yield start.plus(notice);
                }
                case STOP_INSTANCES -> {
                    Optional<Duration> restart = action.duration("startInstancesAfterDuration");
                    for (String instance : live(targets, start, goneAt, action, notes)) {
                        steps.add(Step.onInstance(start, StepKind.STOP, action.name(), instance));
                        restart.ifPresent(after -> steps.add(Step.onInstance(start.plus(after), StepKind.START, action.name(), instance)));
                    }
                    yield start.plus(restart.orElse(Duration.ZERO));
                }
                case TERMINATE_INSTANCES -> {
                    for (String instance : live(targets, start, goneAt, action, notes)) {
                        steps.add(Step.onInstance(start, StepKind.TERMINATE, action.name(), instance));
                        goneAt.put(instance, start);
                    }
                    yield start;
                }
                case REBOOT_INSTANCES -> {
                    for (String instance : live(targets, start, goneAt, action, notes)) {
                        steps.add(Step.onInstance(start, StepKind.REBOOT, action.name(), instance));
                    }
                    yield start;
                }
                case WAIT -> start.plus(action.duration("duration").orElseThrow());
            };
            steps.add(Step.ofAction(end, StepKind.ACTION_END, action.name()));
            ends.put(action.name(), end);
        }

        // stable sort: steps at the same offset keep the order the actions were planned in
        steps.sort(Comparator.comparing(Step::at));
        Duration total = steps.stream().map(Step::at).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        return new RunPlan(template.description(), seed, selected, steps, notes, total);
    }

    private static List<String> live(List<String> targets, Duration start, Map<String, Duration> goneAt, Action action, List<String> notes)
    {
        List<String> live = new ArrayList<>();
        for (String instance : targets) {
            Duration gone = goneAt.get(instance);
            if (gone != null && gone.compareTo(start) <= 0) {
                notes.add(action.name() + ": " + instance + " is already gone at +" + IsoDurations.format(start)
                        + " (FIS resolves targets when the experiment starts, so this action would fail on AWS); skipped");
            }
            else {
                live.add(instance);
            }
        }
        return live;
    }

    /** Actions ordered so that each comes after everything in its startAfter (the validator ruled out cycles). */
    static List<Action> inStartOrder(ExperimentTemplate template)
    {
        List<Action> ordered = new ArrayList<>();
        Map<String, Boolean> placed = new HashMap<>();
        for (Action action : template.actions().values()) {
            place(action, template, placed, ordered);
        }
        return ordered;
    }

    private static void place(Action action, ExperimentTemplate template, Map<String, Boolean> placed, List<Action> ordered)
    {
        if (placed.putIfAbsent(action.name(), true) != null) {
            return;
        }
        action.startAfter().forEach(predecessor -> place(template.action(predecessor), template, placed, ordered));
        ordered.add(action);
    }

    /** Whether a plan needs the IMDS of an instance: only Spot notices are posted there. */
    public static boolean postsNotices(ExperimentTemplate template)
    {
        return template.actions().values().stream().anyMatch(action -> action.type() == ActionType.SEND_SPOT_INSTANCE_INTERRUPTIONS);
    }
}
