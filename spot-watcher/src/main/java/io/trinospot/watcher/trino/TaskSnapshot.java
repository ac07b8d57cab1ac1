package io.trinospot.watcher.trino;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The parts of a worker's TaskInfo the drain policy needs.
 *
 * @param state Trino's TaskState name, e.g. RUNNING, FLUSHING, FINISHED
 * @param startedAt when the task's first driver started (or, before that, when it was created)
 * @param lastDriverStartedAt when its most recently started driver started, if any has
 * @param pipelines its pipelines' progress; empty when the read did not include it (a summarized TaskInfo)
 */
public record TaskSnapshot(
        String taskId,
        String state,
        Optional<Instant> startedAt,
        Duration elapsed,
        int totalDrivers,
        int queuedDrivers,
        int runningDrivers,
        int blockedDrivers,
        int completedDrivers,
        Optional<Instant> lastDriverStartedAt,
        List<PipelineProgress> pipelines)
{
    private static final Set<String> DONE = Set.of("FINISHED", "CANCELED", "ABORTED", "FAILED", "CANCELING", "ABORTING", "FAILING");

    public TaskSnapshot
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(state, "state is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(lastDriverStartedAt, "lastDriverStartedAt is null");
        pipelines = List.copyOf(requireNonNull(pipelines, "pipelines is null"));
    }

    public TaskSnapshot(String taskId, String state, Optional<Instant> startedAt, Duration elapsed, int totalDrivers, int queuedDrivers,
            int runningDrivers, int blockedDrivers, int completedDrivers, Optional<Instant> lastDriverStartedAt)
    {
        this(taskId, state, startedAt, elapsed, totalDrivers, queuedDrivers, runningDrivers, blockedDrivers, completedDrivers, lastDriverStartedAt, List.of());
    }

    public TaskSnapshot(String taskId, String state, Optional<Instant> startedAt, Duration elapsed, int totalDrivers, int queuedDrivers,
            int runningDrivers, int blockedDrivers, int completedDrivers)
    {
        this(taskId, state, startedAt, elapsed, totalDrivers, queuedDrivers, runningDrivers, blockedDrivers, completedDrivers, Optional.empty());
    }

    public TaskSnapshot withPipelines(List<PipelineProgress> replaced)
    {
        return new TaskSnapshot(taskId, state, startedAt, elapsed, totalDrivers, queuedDrivers, runningDrivers, blockedDrivers, completedDrivers, lastDriverStartedAt,
                replaced);
    }

    /** Finished or on its way out: nothing to decide. */
    public boolean isDone()
    {
        return DONE.contains(state);
    }
}
