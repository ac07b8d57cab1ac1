package io.trinospot.fis.chaos;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How one query of a chaos run ended, against its fault-free result.
 *
 * @param detail the error's first line for a loud failure, what differs for a wrong result, empty when it passed
 */
public record QueryCheck(Outcome outcome, String detail)
{
    /** Ordered from best to worst: a run is as bad as its worst query. */
    public enum Outcome
    {
        PASSED("passed"),
        /** The query failed with an error: the user knows, and can retry. */
        FAILED_LOUDLY("failed loudly"),
        /** The query succeeded with another result than without faults: nobody knows. Must never happen. */
        SILENTLY_WRONG("silently wrong");

        private final String label;

        Outcome(String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    public QueryCheck
    {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(detail, "detail is null");
    }

    public static QueryCheck passed()
    {
        return new QueryCheck(Outcome.PASSED, "");
    }

    /**
     * A query's outcome from what happened to it: an error makes it a loud failure whatever its result; otherwise a
     * difference from the fault-free result makes it silently wrong.
     *
     * @param error the query's (or its check's) error, if it failed
     * @param difference how its result differs from the fault-free one, if it does
     */
    public static QueryCheck classify(Optional<Throwable> error, Optional<String> difference)
    {
        if (error.isPresent()) {
            return new QueryCheck(Outcome.FAILED_LOUDLY, errorLine(error.get()));
        }
        return difference.map(what -> new QueryCheck(Outcome.SILENTLY_WRONG, what)).orElseGet(QueryCheck::passed);
    }

    /** The first line of the error's message (Trino's own message, without the SQL the harness adds below it). */
    static String errorLine(Throwable error)
    {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        return message.strip().lines().findFirst().orElseThrow();
    }
}
