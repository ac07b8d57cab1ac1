package io.trinospot.fis.aws;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The state of a FIS experiment as GetExperiment reports it.
 *
 * @param status pending, initiating, running, completed, stopping, stopped, failed or cancelled
 * @param actions the status of each action, by action name
 */
public record ExperimentStatus(String id, String status, Optional<String> reason, Map<String, String> actions)
{
    private static final Set<String> TERMINAL = Set.of("completed", "stopped", "failed", "cancelled");

    public ExperimentStatus
    {
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        requireNonNull(reason, "reason is null");
        actions = Map.copyOf(requireNonNull(actions, "actions is null"));
    }

    /** FIS never leaves these states: polling can stop. */
    public boolean isTerminal()
    {
        return TERMINAL.contains(status);
    }

    public boolean isCompleted()
    {
        return status.equals("completed");
    }
}
