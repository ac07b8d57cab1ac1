package io.trinospot.watcher.drain;

import io.trinospot.watcher.trino.TaskSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Decides, per live task of a worker that will disappear at {@code deadline}, whether it can finish before
 * {@code deadline − safetyMargin} judging by its progress so far, or should be failed now so its retry
 * starts elsewhere while there is still time. Pure: the same snapshots and times give the same decisions.
 * <p>
 * The estimate is linear: a task that completed a fraction {@code f} of its drivers in {@code t} needs about
 * {@code t × (1 − f) / f} more, multiplied by {@code estimateFactor} because drivers late in a task are often
 * slower and splits may still arrive. When no driver is queued, all that is left runs in drivers that started
 * no later than the task's last driver start and are not done yet; small splits finishing first make the completed
 * fraction overstate progress then, so the remaining time is taken as at least how long those drivers have been
 * running (the median remaining time of work of unknown size that has run that long; not multiplied by
 * {@code estimateFactor}, which with a two-minute notice failed tasks that had run 40 s and were nearly done). A task with no completed driver gives nothing to extrapolate from and has lost little, so it is failed
 * early.
 *
 * @param estimateFactor at least 1; how pessimistic to be about the remaining time
 */
public record DrainPolicy(Duration safetyMargin, double estimateFactor)
{
    public DrainPolicy
    {
        requireNonNull(safetyMargin, "safetyMargin is null");
        if (safetyMargin.isNegative()) {
            throw new IllegalArgumentException("safetyMargin is negative");
        }
        if (!(estimateFactor >= 1.0)) {
            throw new IllegalArgumentException("estimateFactor must be >= 1: " + estimateFactor);
        }
    }

    public Instant cutoff(Instant deadline)
    {
        return deadline.minus(safetyMargin);
    }

    public List<TaskDecision> decide(List<TaskSnapshot> tasks, Instant now, Instant deadline)
    {
        Instant cutoff = cutoff(deadline);
        List<TaskDecision> decisions = new ArrayList<>();
        for (TaskSnapshot task : tasks) {
            if (!task.isDone()) {
                decisions.add(decide(task, now, cutoff));
            }
        }
        return decisions;
    }

    private TaskDecision decide(TaskSnapshot task, Instant now, Instant cutoff)
    {
        if (!now.isBefore(cutoff)) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_AT_CUTOFF, "deadline - margin (" + cutoff + ") reached, task still " + task.state());
        }
        Duration left = Duration.between(now, cutoff);
        if (task.state().equals("FLUSHING")) {
            // Every driver is done; only its output is still being fetched. Failing it would throw all of it away.
            return new TaskDecision(task.taskId(), TaskDecision.Action.LET_FINISH, "flushing output, " + seconds(left) + " s left");
        }
        if (task.totalDrivers() <= 0 || task.completedDrivers() <= 0) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY,
                    "no completed driver yet (" + task.completedDrivers() + "/" + task.totalDrivers() + "): no progress to extrapolate, little lost");
        }
        double fraction = Math.min(1.0, (double) task.completedDrivers() / task.totalDrivers());
        Duration running = task.startedAt()
                .map(start -> Duration.between(start, now))
                .filter(duration -> !duration.isNegative())
                .orElse(task.elapsed());
        Duration linear = Duration.ofNanos((long) (running.toNanos() * (1 - fraction) / fraction));
        Duration inFlight = Duration.ZERO;
        if (task.queuedDrivers() == 0 && task.completedDrivers() < task.totalDrivers() && task.lastDriverStartedAt().isPresent()) {
            inFlight = Duration.between(task.lastDriverStartedAt().get(), now);
        }
        Duration pessimisticLinear = Duration.ofNanos((long) (linear.toNanos() * estimateFactor));
        boolean inFlightDominates = inFlight.compareTo(pessimisticLinear) > 0;
        Duration remaining = inFlightDominates ? inFlight : pessimisticLinear;
        String progress = "%d/%d drivers done in %s s, about %s s to go%s, %s s until cutoff".formatted(
                task.completedDrivers(), task.totalDrivers(), seconds(running), seconds(remaining),
                inFlightDominates ? " (the last " + (task.totalDrivers() - task.completedDrivers()) + " drivers have run " + seconds(inFlight) + " s)" : "",
                seconds(left));
        if (remaining.compareTo(left) <= 0) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.LET_FINISH, progress);
        }
        return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY, progress);
    }

    private static String seconds(Duration duration)
    {
        return "%.1f".formatted(duration.toMillis() / 1000.0);
    }
}
