package io.trinospot.config.cli;

/** The command line is wrong: exit code 2. */
final class UsageException
        extends Exception
{
    UsageException(String message)
    {
        // no stack trace: it is never printed, and the CLI's contract is one line per error
        super(message, null, false, false);
    }
}
