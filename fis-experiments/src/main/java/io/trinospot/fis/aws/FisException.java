package io.trinospot.fis.aws;

/** A FIS call failed: the service said no, or could not be reached. The message is one line. */
public final class FisException
        extends Exception
{
    public FisException(String message)
    {
        super(message);
    }

    public FisException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
