package io.trinospot.fis.plan;

/** What one step of a local run does. */
public enum StepKind
{
    ACTION_START("start"),
    /** EC2 sends a rebalance recommendation together with (or before) the interruption notice. */
    REBALANCE_RECOMMENDATION("rebalance"),
    SPOT_NOTICE("spot-notice"),
    /** The Spot instance is reclaimed: the node dies without a chance to finish anything. */
    INTERRUPT("interrupt"),
    STOP("stop"),
    START("start-instance"),
    TERMINATE("terminate"),
    REBOOT("reboot"),
    ACTION_END("end");

    private final String label;

    StepKind(String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
