package io.trinospot.cli.fis;

/** The command line is wrong; the message is one line. */
public final class UsageException
        extends Exception
{
    public UsageException(String message)
    {
        super(message);
    }
}
