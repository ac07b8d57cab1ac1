package io.trinospot.fis.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a Spot worker's notice cost, from the task attempts a report holds: the tasks the worker still finished after
 * its notice (work the graceful shutdown saved), the tasks failed before the worker was reclaimed and run again
 * elsewhere (the watcher failing them early), and the task-seconds lost in every failed attempt on it.
 *
 * @param notice when the worker got its Spot notice; empty when it got none
 * @param finishedAfterNotice attempts on it that finished at or after the notice
 * @param failedEarlyAndRerun attempts on it that failed at or after the notice and before it was reclaimed, and that
 *         a later attempt of the same task ran again
 * @param lost the time every failed attempt on it had run, summed
 */
public record SpotWorkerTasks(String worker, Optional<Duration> notice, int finishedAfterNotice, int failedEarlyAndRerun, Duration lost)
{
    public SpotWorkerTasks
    {
        requireNonNull(worker, "worker is null");
        requireNonNull(notice, "notice is null");
        requireNonNull(lost, "lost is null");
    }

    /** One entry per Spot worker of the report, in the report's order. */
    public static List<SpotWorkerTasks> of(ExperimentReport report)
    {
        Map<String, Integer> lastAttempt = new HashMap<>();
        for (ExperimentReport.TaskAttempt attempt : report.tasks()) {
            lastAttempt.merge(attempt.task(), attempt.attempt(), Math::max);
        }
        List<SpotWorkerTasks> workers = new ArrayList<>();
        for (ExperimentReport.Node node : report.nodes()) {
            if (node.lifecycle().equals("spot")) {
                workers.add(of(report, node, lastAttempt));
            }
        }
        return List.copyOf(workers);
    }

    private static SpotWorkerTasks of(ExperimentReport report, ExperimentReport.Node node, Map<String, Integer> lastAttempt)
    {
        Optional<Duration> notice = report.firstEvent(node.name(), EventKind.SPOT_NOTICE);
        Optional<Duration> reclaimed = EarlyFailures.reclaimed(report, node.name());
        int finished = 0;
        int failedEarly = 0;
        Duration lost = Duration.ZERO;
        for (ExperimentReport.TaskAttempt attempt : report.tasks()) {
            if (!attempt.node().equals(node.name())) {
                continue;
            }
            boolean afterNotice = notice.isPresent() && attempt.ended().isPresent() && attempt.ended().get().compareTo(notice.get()) >= 0;
            if (attempt.state().equals("FINISHED") && afterNotice) {
                finished++;
            }
            if (attempt.state().equals("FAILED")) {
                lost = lost.plus(attempt.ranFor(report.length()));
                boolean beforeReclaimed = attempt.ended().filter(ended -> reclaimed.isEmpty() || ended.compareTo(reclaimed.get()) < 0).isPresent();
                boolean rerun = attempt.attempt() >= 0 && lastAttempt.getOrDefault(attempt.task(), -1) > attempt.attempt();
                if (afterNotice && beforeReclaimed && rerun) {
                    failedEarly++;
                }
            }
        }
        return new SpotWorkerTasks(node.name(), notice, finished, failedEarly, lost);
    }

    /** Task-seconds with one decimal, e.g. {@code 14.2}. */
    public String lostSeconds()
    {
        return String.format(Locale.ROOT, "%.1f", lost.toMillis() / 1000.0);
    }

    /** One line for the console, e.g. {@code spot-1 (notice at +0:20): 3 task(s) finished after the notice, ...}. */
    public String line()
    {
        return worker + notice.map(at -> " (notice at +" + ReportDurations.format(at) + "): ").orElse(" (no Spot notice): ")
                + finishedAfterNotice + " task(s) finished after the notice, " + failedEarlyAndRerun + " failed early and rerun, "
                + lostSeconds() + " task-seconds lost";
    }
}
