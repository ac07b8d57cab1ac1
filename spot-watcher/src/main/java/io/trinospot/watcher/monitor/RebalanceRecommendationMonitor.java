package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Watches {@code events/recommendations/rebalance}. Like the Spot monitor, one event per posted
 * recommendation however its {@code noticeTime} moves; a clean 404 ends it.
 */
public final class RebalanceRecommendationMonitor
        implements NoticeMonitor
{
    public static final String PATH = "/latest/meta-data/events/recommendations/rebalance";

    private final ImdsClient imds;
    private final InstantSource clock;
    private boolean posted;

    public RebalanceRecommendationMonitor(ImdsClient imds, InstantSource clock)
    {
        this.imds = requireNonNull(imds, "imds is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name()
    {
        return "rebalance-recommendation";
    }

    @Override
    public List<InterruptionEvent> poll()
            throws ImdsException
    {
        var body = imds.get(PATH);
        Instant observedAt = clock.instant();
        if (body.isEmpty()) {
            posted = false;
            return List.of();
        }
        JsonNode notice = JsonBodies.object(PATH, body.get());
        Instant noticeTime = ImdsTimes.rfc3339(JsonBodies.text(PATH, notice, "noticeTime"));
        if (posted) {
            return List.of();
        }
        posted = true;
        return List.of(new RebalanceRecommendation(noticeTime, observedAt));
    }
}
