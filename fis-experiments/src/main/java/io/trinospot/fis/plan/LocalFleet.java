package io.trinospot.fis.plan;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The local cluster as a {@link PlanPlayer} drives it: the harness implements it with its IMDS emulators and
 * process control. Every method acts on one instance, by {@link LocalInstance#name()}.
 */
public interface LocalFleet
{
    /** The instances as they are now, for resolving targets. */
    List<LocalInstance> instances()
            throws IOException;

    /** Makes the instance's IMDS answer {@code events/recommendations/rebalance} with this notice time. */
    void postRebalanceRecommendation(String instance, Instant noticeTime)
            throws IOException;

    /** Makes the instance's IMDS answer {@code spot/instance-action} with {@code terminate} at this time. */
    void postSpotNotice(String instance, Instant interruptionTime)
            throws IOException;

    /** Reclaims a Spot instance: the node dies at once (SIGKILL), as EC2 takes it away. */
    void interrupt(String instance)
            throws IOException;

    /** Stops the instance (its node process ends; the instance can be started again). */
    void stop(String instance)
            throws IOException;

    /** Starts a stopped instance again (its node rejoins the cluster). */
    void start(String instance)
            throws IOException;

    /** Terminates the instance: the node dies and never comes back. */
    void terminate(String instance)
            throws IOException;

    /** Reboots the instance: the node process restarts. */
    void reboot(String instance)
            throws IOException;
}
