package io.trinospot.fis.report;

import io.trinospot.fis.plan.RunPlan;
import io.trinospot.fis.plan.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The report events a played plan produced: one per step that touched an instance. */
public final class PlanEvents
{
    private PlanEvents() {}

    public static List<ExperimentReport.Event> of(RunPlan plan)
    {
        List<ExperimentReport.Event> events = new ArrayList<>();
        for (Step step : plan.steps()) {
            Optional<EventKind> kind = switch (step.kind()) {
                case REBALANCE_RECOMMENDATION -> Optional.of(EventKind.REBALANCE);
                case SPOT_NOTICE -> Optional.of(EventKind.SPOT_NOTICE);
                case INTERRUPT -> Optional.of(EventKind.INTERRUPT);
                case STOP -> Optional.of(EventKind.STOP);
                case START -> Optional.of(EventKind.START);
                case TERMINATE -> Optional.of(EventKind.TERMINATE);
                case REBOOT -> Optional.of(EventKind.REBOOT);
                case ACTION_START, ACTION_END -> Optional.empty();
            };
            kind.ifPresent(eventKind -> events.add(new ExperimentReport.Event(step.at(), eventKind, step.instance(),
                    step.action() + step.interruptionAt().map(at -> ": interruption at +" + ReportDurations.format(at)).orElse(""))));
        }
        return List.copyOf(events);
    }
}
