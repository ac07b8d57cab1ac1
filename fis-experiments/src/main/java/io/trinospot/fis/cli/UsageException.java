package io.trinospot.fis.cli;

/** The command line is wrong; the message is one line. */
final class UsageException
        extends Exception
{
    UsageException(String message)
    {
        super(message);
    }
}
