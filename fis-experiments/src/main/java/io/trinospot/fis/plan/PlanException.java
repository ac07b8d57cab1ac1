package io.trinospot.fis.plan;

/** The template cannot be played against these instances; the message is one line. */
public final class PlanException
        extends Exception
{
    public PlanException(String message)
    {
        super(message);
    }
}
