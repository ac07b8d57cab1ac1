package io.trinospot.watcher.drain;

import static java.util.Objects.requireNonNull;

/**
 * What to do with one task of a worker that is going away, and why (the reason is logged).
 */
public record TaskDecision(String taskId, Action action, String reason)
{
    public enum Action
    {
        /** Expected to finish before deadline − margin: leave it alone for now. */
        LET_FINISH,
        /** Will not finish in time: fail it now so the coordinator retries it elsewhere at once. */
        FAIL_EARLY,
        /** Deadline − margin reached: fail whatever still runs. */
        FAIL_AT_CUTOFF,
    }

    public TaskDecision
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(action, "action is null");
        requireNonNull(reason, "reason is null");
    }

    public boolean fails()
    {
        return action != Action.LET_FINISH;
    }
}
