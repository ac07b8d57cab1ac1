package io.trinospot.watcher.drain;

import io.trinospot.watcher.trino.PipelineProgress;
import io.trinospot.watcher.trino.TaskSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * {@code estimateFactor}, which with a two-minute notice failed tasks that had run 40 s and were nearly done).
 * <p>
 * With no completed driver there is no rate to extrapolate, and Trino's statistics carry no split sizes, so the
 * same rule stands alone: each driver not done takes at least as long as the running ones have run so far, and the
 * queued ones run after them in waves as wide as the running ones. A scan of a few files that has just begun is let
 * run while the window is long and failed once its age outgrows the time left; one running driver with many queued
 * behind it is failed at once. A task with no driver started has lost nothing and is failed early.
 * <p>
 * When the snapshot has the task's pipelines, the estimate is made per pipeline that reads the task's input, and the
 * slowest one counts: a join whose build side is done shows most of its drivers completed while its probe side, which
 * reads most of the data, may have just begun.
 * <p>
 * Where the pipeline scans a table and the planner's estimate of the rows that scan gives this task is known (the
 * task is its stage's only one), progress is the rows read against that estimate, and the remaining time is the linear
 * extrapolation of it, times {@code estimateFactor}: that holds from the first second on and whatever the splits'
 * sizes, where driver counts tell nothing before a driver is done and mislead when a few drivers of unequal size run
 * side by side. A read that has passed the estimate falls back to the driver counts.
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
        if (task.totalDrivers() <= 0) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY, "no driver yet: nothing lost");
        }
        if (task.queuedDrivers() >= task.totalDrivers()) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY, "no driver started yet (" + task.queuedDrivers() + " queued): nothing lost");
        }
        Duration running = runningSince(task.startedAt(), now).orElse(task.elapsed());
        List<PipelineProgress> inputs = task.pipelines().stream()
                .filter(pipeline -> pipeline.input() && pipeline.isUnderway())
                .toList();
        if (inputs.isEmpty()) {
            // No pipeline statistics (a summarized read), or its input is all read: the task's own counts.
            Estimate estimate = estimate(running, task.completedDrivers(), task.totalDrivers(), task.queuedDrivers(), task.lastDriverStartedAt(), now);
            return judge(task, estimate.describe("", running, left), estimate.remaining(), left);
        }
        // The task ends when its slowest input pipeline does; the pipelines fed by them end soon after.
        Estimate slowest = null;
        String described = null;
        for (PipelineProgress input : inputs) {
            if (input.queuedDrivers() >= input.totalDrivers()) {
                // Typically a join's probe side waiting for its build side: the part that reads most of the input has
                // not begun, so little is lost and there is no progress to judge.
                return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY,
                        "pipeline %d reads input and has started none of its %d drivers (the task %d/%d): little lost".formatted(
                                input.pipelineId(), input.totalDrivers(), task.completedDrivers(), task.totalDrivers()));
            }
            Duration pipelineRunning = runningSince(input.firstStartedAt(), now).orElse(running);
            Estimate estimate = byRows(pipelineRunning, input)
                    .orElseGet(() -> estimate(pipelineRunning, input.completedDrivers(), input.totalDrivers(), input.queuedDrivers(), input.lastStartedAt(), now));
            if (slowest == null || estimate.remaining().compareTo(slowest.remaining()) > 0) {
                slowest = estimate;
                described = estimate.describe("pipeline " + input.pipelineId() + ": ", pipelineRunning, left);
            }
        }
        return judge(task, described, slowest.remaining(), left);
    }

    private static Optional<Duration> runningSince(Optional<Instant> start, Instant now)
    {
        return start.map(at -> Duration.between(at, now)).filter(duration -> !duration.isNegative());
    }

    private static TaskDecision judge(TaskSnapshot task, String progress, Duration remaining, Duration left)
    {
        if (remaining.compareTo(left) <= 0) {
            return new TaskDecision(task.taskId(), TaskDecision.Action.LET_FINISH, progress);
        }
        return new TaskDecision(task.taskId(), TaskDecision.Action.FAIL_EARLY, progress);
    }

    private Estimate estimate(Duration running, int completed, int total, int queued, Optional<Instant> lastDriverStartedAt, Instant now)
    {
        if (completed <= 0) {
            // No rate: the running drivers need about as long again as they have run, the queued ones as long each.
            int started = total - queued;
            Duration unknownSize = Duration.ofNanos((long) (running.toNanos() * ((double) total / started)));
            String basis = queued > 0
                    ? " (no driver done; %d running for %s s, %d queued behind them)".formatted(started, seconds(running), queued)
                    : " (no driver done; all %d running for %s s)".formatted(total, seconds(running));
            return new Estimate(completed, total, unknownSize, basis);
        }
        double fraction = Math.min(1.0, (double) completed / total);
        Duration linear = Duration.ofNanos((long) (running.toNanos() * (1 - fraction) / fraction));
        Duration inFlight = Duration.ZERO;
        if (queued == 0 && completed < total && lastDriverStartedAt.isPresent()) {
            inFlight = Duration.between(lastDriverStartedAt.get(), now);
        }
        Duration pessimisticLinear = Duration.ofNanos((long) (linear.toNanos() * estimateFactor));
        boolean inFlightDominates = inFlight.compareTo(pessimisticLinear) > 0;
        String basis = inFlightDominates ? " (the last %d drivers have run %s s)".formatted(total - completed, seconds(inFlight)) : "";
        return new Estimate(completed, total, inFlightDominates ? inFlight : pessimisticLinear, basis);
    }

    // The rows read against the rows the planner expects the task's scan to read, when both are known and the read is
    // under way and short of the estimate (an estimate already passed is wrong, and says nothing of what is left).
    private Optional<Estimate> byRows(Duration running, PipelineProgress input)
    {
        if (input.expectedRows().isEmpty() || input.processedRows() <= 0 || running.isZero()) {
            return Optional.empty();
        }
        double expected = input.expectedRows().getAsDouble();
        double fraction = input.processedRows() / expected;
        if (!(fraction < 1.0)) {
            return Optional.empty();
        }
        Duration remaining = Duration.ofNanos((long) (running.toNanos() * (1 - fraction) / fraction * estimateFactor));
        String basis = " (%d of about %.0f rows read, by the planner's estimate of its scan)".formatted(input.processedRows(), expected);
        return Optional.of(new Estimate(input.completedDrivers(), input.totalDrivers(), remaining, basis));
    }

    private record Estimate(int completed, int total, Duration remaining, String basis)
    {
        String describe(String prefix, Duration running, Duration left)
        {
            return "%s%d/%d drivers done in %s s, about %s s to go%s, %s s until cutoff".formatted(
                    prefix, completed, total, seconds(running), seconds(remaining),
                    basis,
                    seconds(left));
        }
    }

    private static String seconds(Duration duration)
    {
        return "%.1f".formatted(duration.toMillis() / 1000.0);
    }
}
