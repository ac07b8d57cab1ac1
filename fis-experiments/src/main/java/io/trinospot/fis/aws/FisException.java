package io.trinospot.fis.aws;

import static java.util.Objects.requireNonNull;

/** A FIS call failed: the service said no, or could not be reached. The message is one line. */
public final class FisException
        extends Exception
{
    /** Whether sending the same request again may succeed. */
    public enum Kind
    {
        /** FIS refused the request as it is (validation, not found, conflict, quota): sending it again changes nothing. */
        PERMANENT,
        /** FIS failed on its side (5xx) or could not be reached: the same request may succeed later. */
        TRANSIENT,
        /** FIS throttled the caller (ThrottlingException, HTTP 429): the same request succeeds after a pause. */
        THROTTLED
    }

    private final Kind kind;

    public FisException(String message)
    {
        this(message, Kind.PERMANENT, null);
    }

    public FisException(String message, Kind kind)
    {
        this(message, kind, null);
    }

    public FisException(String message, Kind kind, Throwable cause)
    {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }

    public boolean retryable()
    {
        return kind != Kind.PERMANENT;
    }
}
