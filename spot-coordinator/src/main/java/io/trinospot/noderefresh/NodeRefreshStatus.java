package io.trinospot.noderefresh;

import org.weakref.jmx.Managed;

import static java.util.Objects.requireNonNull;

/** Whether the listener refreshes node states, and if not, why: a monitoring system alerts on {@code Active=false}. */
public final class NodeRefreshStatus
{
    private final boolean active;
    private final String problem;

    private NodeRefreshStatus(boolean active, String problem)
    {
        this.active = active;
        this.problem = requireNonNull(problem, "problem is null");
    }

    static NodeRefreshStatus active()
    {
        return new NodeRefreshStatus(true, "");
    }

    static NodeRefreshStatus inactive(String problem)
    {
        return new NodeRefreshStatus(false, problem);
    }

    @Managed
    public boolean isActive()
    {
        return active;
    }

    @Managed
    public String getProblem()
    {
        return problem;
    }
}
