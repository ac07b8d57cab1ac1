package io.trinospot.watcher.imds;

import static java.util.Objects.requireNonNull;

/**
 * IMDS did not give a usable answer. Monitors treat this as "nothing learned": never as a notice.
 */
public class ImdsException
        extends Exception
{
    public enum Kind
    {
        TIMEOUT,
        CONNECTION,
        HTTP_STATUS,
        TOKEN,
        MALFORMED,
    }

    private final Kind kind;

    public ImdsException(Kind kind, String message)
    {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public ImdsException(Kind kind, String message, Throwable cause)
    {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }
}
