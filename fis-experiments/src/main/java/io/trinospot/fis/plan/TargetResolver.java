package io.trinospot.fis.plan;

import io.trinospot.fis.template.ResourceType;
import io.trinospot.fis.template.SelectionMode;
import io.trinospot.fis.template.Target;
import io.trinospot.fis.template.TargetFilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Resolves a target against local instances the way FIS does against EC2: resource type, then ARNs or tags (every
 * tag must match), then filters (every filter must match one of its values), then the selection mode picks at random.
 */
public final class TargetResolver
{
    private TargetResolver() {}

    /** The selected instances, sorted by name; fails when the target identifies nothing, as FIS fails such an experiment. */
    public static List<LocalInstance> resolve(Target target, List<LocalInstance> instances, RandomGenerator random)
            throws PlanException
    {
        List<LocalInstance> matched = new ArrayList<>();
        for (LocalInstance instance : instances) {
            if (matches(target, instance)) {
                matched.add(instance);
            }
        }
        if (matched.isEmpty()) {
            throw new PlanException("target '" + target.name() + "' identifies no instance (" + describe(target) + ")");
        }
        // sorted before shuffling, so the same seed picks the same instances whatever order the fleet lists them in
        matched.sort(Comparator.comparing(LocalInstance::name));
        int count = selectedCount(target.selectionMode(), matched.size());
        if (count < matched.size()) {
            java.util.Collections.shuffle(matched, random);
        }
        List<LocalInstance> selected = new ArrayList<>(matched.subList(0, count));
        selected.sort(Comparator.comparing(LocalInstance::name));
        return List.copyOf(selected);
    }

    /**
     * How many of {@code matched} instances a selection mode takes. COUNT(n) takes at most what there is;
     * PERCENT(n) rounds down but takes at least one, so "50 % of one Spot worker" still interrupts it.
     */
    public static int selectedCount(SelectionMode mode, int matched)
    {
        return switch (mode) {
            case SelectionMode.All _ -> matched;
            case SelectionMode.Count count -> Math.min(count.count(), matched);
            case SelectionMode.Percent percent -> Math.max(1, matched * percent.percent() / 100);
        };
    }

    static boolean matches(Target target, LocalInstance instance)
            throws PlanException
    {
        if (target.resourceType() == ResourceType.EC2_SPOT_INSTANCE && instance.lifecycle() != Lifecycle.SPOT) {
            return false;
        }
        if (!target.resourceArns().isEmpty() && target.resourceArns().stream().noneMatch(instance::isNamedBy)) {
            return false;
        }
        for (var tag : target.resourceTags().entrySet()) {
            if (!tag.getValue().equals(instance.tags().get(tag.getKey()))) {
                return false;
            }
        }
        for (TargetFilter filter : target.filters()) {
            if (!LocalInstance.FILTER_PATHS.contains(filter.path())) {
                throw new PlanException("target '" + target.name() + "': filter path " + filter.path()
                        + " cannot be evaluated locally (supported: " + String.join(", ", LocalInstance.FILTER_PATHS) + ")");
            }
            if (instance.attribute(filter.path()).filter(filter.values()::contains).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Target target)
    {
        List<String> parts = new ArrayList<>();
        parts.add(target.resourceType().id());
        target.resourceTags().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(tag -> parts.add("tag " + tag.getKey() + "=" + tag.getValue()));
        if (!target.resourceArns().isEmpty()) {
            parts.add("ARNs " + String.join(",", target.resourceArns()));
        }
        target.filters().forEach(filter -> parts.add(filter.path() + " in " + filter.values()));
        return String.join(", ", parts);
    }
}
