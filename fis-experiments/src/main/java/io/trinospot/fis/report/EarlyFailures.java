package io.trinospot.fis.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The task attempts a spot-watcher failed on a doomed worker before it was reclaimed, each with the attempt that ran
 * the same task again: what the notice was used for. Work saved is counted against waiting for the kill: without the
 * early failure the attempt would have run on until its worker was reclaimed and only then been retried, so its rerun
 * starts that much sooner.
 */
public final class EarlyFailures
{
    private EarlyFailures() {}

    /**
     * @param failed the attempt the watcher failed
     * @param rerun the next attempt of the same task; empty when the report has none (the query ended first)
     * @param reclaimed when the failed attempt's worker was reclaimed (its interruption, or when it was gone)
     */
    public record EarlyFailure(ExperimentReport.TaskAttempt failed, Optional<ExperimentReport.TaskAttempt> rerun, Optional<Duration> reclaimed)
    {
        public EarlyFailure
        {
            requireNonNull(failed, "failed is null");
            requireNonNull(rerun, "rerun is null");
            requireNonNull(reclaimed, "reclaimed is null");
        }

        public Duration failedAt()
        {
            return failed.ended().orElse(failed.started());
        }

        /** Reclaim time minus failure time; zero when the worker was never reclaimed during the run. */
        public Duration saved()
        {
            return reclaimed.filter(at -> at.compareTo(failedAt()) > 0).map(at -> at.minus(failedAt())).orElse(Duration.ZERO);
        }

        /** e.g. {@code task 2026..._1.2.0.0 on spot-1 failed early at +0:21, rerun as ....1 on core-2 (finished at +1:05); 99.0 s saved}. */
        public String line()
        {
            String rerunText = rerun.map(attempt -> "rerun as " + attempt.taskId() + " on " + attempt.node() + " ("
                            + attempt.state().toLowerCase(Locale.ROOT) + attempt.ended().map(at -> " at +" + ReportDurations.format(at)).orElse("") + ")")
                    .orElse("not rerun before the run ended");
            return "task " + failed.taskId() + " on " + failed.node() + " failed early at +" + ReportDurations.format(failedAt()) + ", " + rerunText
                    + String.format(Locale.ROOT, "; %.1f task-seconds saved", saved().toMillis() / 1000.0);
        }
    }

    /** Every attempt a spot-watcher failed before its worker was reclaimed, in the order they failed. */
    public static List<EarlyFailure> of(ExperimentReport report)
    {
        List<EarlyFailure> failures = new ArrayList<>();
        for (ExperimentReport.TaskAttempt attempt : report.tasks()) {
            if (!attempt.failedBySpotWatcher()) {
                continue;
            }
            Optional<Duration> reclaimed = reclaimed(report, attempt.node());
            Duration failedAt = attempt.ended().orElse(attempt.started());
            if (reclaimed.isPresent() && failedAt.compareTo(reclaimed.get()) >= 0) {
                continue;
            }
            Optional<ExperimentReport.TaskAttempt> rerun = report.tasks().stream()
                    .filter(other -> other.task().equals(attempt.task()) && other.attempt() > attempt.attempt())
                    .min(Comparator.comparingInt(ExperimentReport.TaskAttempt::attempt));
            failures.add(new EarlyFailure(attempt, rerun, reclaimed));
        }
        failures.sort(Comparator.comparing(EarlyFailure::failedAt));
        return List.copyOf(failures);
    }

    /** The task-seconds saved by all of them. */
    public static Duration saved(List<EarlyFailure> failures)
    {
        return failures.stream().map(EarlyFailure::saved).reduce(Duration.ZERO, Duration::plus);
    }

    /** When {@code node} was reclaimed: its interruption or termination event, else when it was first seen gone. */
    static Optional<Duration> reclaimed(ExperimentReport report, String node)
    {
        return report.firstEvent(node, EventKind.INTERRUPT, EventKind.TERMINATE)
                .or(() -> report.nodes().stream()
                        .filter(candidate -> candidate.name().equals(node))
                        .flatMap(candidate -> candidate.states().stream())
                        .filter(change -> change.state() == NodeState.GONE)
                        .map(ExperimentReport.StateChange::at)
                        .findFirst());
    }
}
