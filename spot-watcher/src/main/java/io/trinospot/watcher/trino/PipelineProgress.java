package io.trinospot.watcher.trino;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

import static java.util.Objects.requireNonNull;

/**
 * The parts of one pipeline's statistics in a running task's TaskInfo that the drain policy reads.
 *
 * @param input whether the pipeline reads the task's input (table splits or another stage's output) rather than
 * another pipeline of the same task: its drivers carry the task's progress, the others end soon after them
 * @param firstStartedAt when its first driver started, if any has
 * @param lastStartedAt when its most recently started driver started, if any has
 * @param processedRows rows its drivers have read so far, done ones included
 * @param scanNode the plan node id of the table scan it reads, when it reads table splits
 * @param expectedRows the rows the planner expects that scan to give this task, when known (see
 * {@link QueryEstimates#scanRowsOfOnlyTask})
 */
public record PipelineProgress(
        int pipelineId,
        boolean input,
        int totalDrivers,
        int queuedDrivers,
        int completedDrivers,
        Optional<Instant> firstStartedAt,
        Optional<Instant> lastStartedAt,
        long processedRows,
        Optional<String> scanNode,
        OptionalDouble expectedRows)
{
    public PipelineProgress
    {
        requireNonNull(firstStartedAt, "firstStartedAt is null");
        requireNonNull(lastStartedAt, "lastStartedAt is null");
        requireNonNull(scanNode, "scanNode is null");
        requireNonNull(expectedRows, "expectedRows is null");
    }

    public PipelineProgress(int pipelineId, boolean input, int totalDrivers, int queuedDrivers, int completedDrivers, Optional<Instant> firstStartedAt,
            Optional<Instant> lastStartedAt)
    {
        this(pipelineId, input, totalDrivers, queuedDrivers, completedDrivers, firstStartedAt, lastStartedAt, 0, Optional.empty(), OptionalDouble.empty());
    }

    public PipelineProgress withExpectedRows(double rows)
    {
        return new PipelineProgress(pipelineId, input, totalDrivers, queuedDrivers, completedDrivers, firstStartedAt, lastStartedAt, processedRows, scanNode,
                OptionalDouble.of(rows));
    }

    /** Has drivers, not all done. A pipeline without drivers tells nothing of the task's progress. */
    public boolean isUnderway()
    {
        return totalDrivers > 0 && completedDrivers < totalDrivers;
    }
}
