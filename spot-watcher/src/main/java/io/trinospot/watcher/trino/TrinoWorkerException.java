package io.trinospot.watcher.trino;

import static java.util.Objects.requireNonNull;

public class TrinoWorkerException
        extends Exception
{
    /** What kept a call from the worker; the first four leave the agent unable to act on it at all. */
    public enum Failure
    {
        /** 401: the worker does not accept the agent's internal token (the shared secret differs). */
        UNAUTHORIZED,
        /** 403: the request was not taken for an internal one. */
        FORBIDDEN,
        /** Nothing listens on the worker's port. */
        REFUSED,
        /** The worker's settings could not be read. */
        NOT_CONFIGURED,
        /** No answer within the call's time: the other side took the request and is slow, or hangs. */
        TIMED_OUT,
        /** Anything else: a dropped connection, an error status, an unreadable answer. */
        OTHER;

        /** The agent cannot reach the worker with valid credentials: no drain would get through. */
        public boolean locksOut()
        {
            return this != OTHER && this != TIMED_OUT;
        }
    }

    private final Failure failure;

    public TrinoWorkerException(String message)
    {
        this(Failure.OTHER, message);
    }

    public TrinoWorkerException(String message, Throwable cause)
    {
        this(Failure.OTHER, message, cause);
    }

    public TrinoWorkerException(Failure failure, String message)
    {
        super(message);
        this.failure = requireNonNull(failure, "failure is null");
    }

    public TrinoWorkerException(Failure failure, String message, Throwable cause)
    {
        super(message, cause);
        this.failure = requireNonNull(failure, "failure is null");
    }

    public Failure failure()
    {
        return failure;
    }
}
