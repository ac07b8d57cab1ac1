package io.trinospot.watcher.trino;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The parts of one pipeline's statistics in a running task's TaskInfo that the drain policy reads.
 *
 * @param input whether the pipeline reads the task's input (table splits or another stage's output) rather than
 * another pipeline of the same task: its drivers carry the task's progress, the others end soon after them
 * @param firstStartedAt when its first driver started, if any has
 * @param lastStartedAt when its most recently started driver started, if any has
 */
public record PipelineProgress(
        int pipelineId,
        boolean input,
        int totalDrivers,
        int queuedDrivers,
        int completedDrivers,
        Optional<Instant> firstStartedAt,
        Optional<Instant> lastStartedAt)
{
    public PipelineProgress
    {
        requireNonNull(firstStartedAt, "firstStartedAt is null");
        requireNonNull(lastStartedAt, "lastStartedAt is null");
    }

    /** Has drivers, not all done. A pipeline without drivers tells nothing of the task's progress. */
    public boolean isUnderway()
    {
        return totalDrivers > 0 && completedDrivers < totalDrivers;
    }
}
