package io.trinospot.watcher.trino;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Trino task id, {@code <query id>.<stage>.<partition>.<attempt>}: the attempts of one partition share all but the
 * last part.
 */
public record TaskId(String queryId, int stage, int partition, int attempt)
{
    public TaskId
    {
        requireNonNull(queryId, "queryId is null");
    }

    /** Empty for anything that is not a task id of that form. */
    public static Optional<TaskId> parse(String text)
    {
        String[] parts = text.split("\\.");
        if (parts.length != 4 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TaskId(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3])));
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
