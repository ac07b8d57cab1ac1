package io.trinospot.watcher.monitor;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * EC2 says this Spot instance is at elevated risk of interruption; no deadline yet.
 */
public record RebalanceRecommendation(Instant noticeTime, Instant observedAt)
        implements InterruptionEvent
{
    public RebalanceRecommendation
    {
        requireNonNull(noticeTime, "noticeTime is null");
        requireNonNull(observedAt, "observedAt is null");
    }

    @Override
    public String kind()
    {
        return "rebalance-recommendation";
    }
}
