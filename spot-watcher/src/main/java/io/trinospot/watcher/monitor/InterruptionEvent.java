package io.trinospot.watcher.monitor;

import java.time.Instant;

/**
 * Something IMDS told us that may call for draining the worker. Each notice yields exactly one event, and a scheduled
 * event one more each time it is rescheduled or canceled.
 */
public sealed interface InterruptionEvent
        permits SpotInterruption, RebalanceRecommendation, ScheduledMaintenance, ScheduledMaintenanceCanceled
{
    /** When this watcher first saw the notice; the start of the notice-to-drain latency. */
    Instant observedAt();

    /** Short label for logs and metrics. */
    String kind();
}
