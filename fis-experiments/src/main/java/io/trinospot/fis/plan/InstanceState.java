package io.trinospot.fis.plan;

import java.util.Arrays;
import java.util.Optional;

/** The EC2 state names a local instance can be in, as a {@code State.Name} filter sees them. */
public enum InstanceState
{
    RUNNING("running"),
    STOPPED("stopped"),
    /** Gone for good: reclaimed or terminated; a live run reports it, an instances file may name it. */
    TERMINATED("terminated");

    private final String text;

    InstanceState(String text)
    {
        this.text = text;
    }

    public String text()
    {
        return text;
    }

    public static Optional<InstanceState> fromText(String text)
    {
        return Arrays.stream(values()).filter(value -> value.text.equals(text)).findFirst();
    }
}
