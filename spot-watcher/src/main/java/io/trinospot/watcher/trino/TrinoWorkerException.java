package io.trinospot.watcher.trino;

public class TrinoWorkerException
        extends Exception
{
    public TrinoWorkerException(String message)
    {
        super(message);
    }

    public TrinoWorkerException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
