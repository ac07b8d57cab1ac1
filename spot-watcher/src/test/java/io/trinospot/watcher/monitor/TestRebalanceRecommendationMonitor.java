package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.TimeMode;
import io.trinospot.watcher.Await;
import io.trinospot.watcher.imds.ImdsClient;
import org.junit.jupiter.api.Test;

import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class TestRebalanceRecommendationMonitor
        extends AbstractMonitorTest
{
    @Override
    protected String path()
    {
        return RebalanceRecommendationMonitor.PATH;
    }

    @Override
    protected NoticeMonitor newMonitor(ImdsClient client, InstantSource clock)
    {
        return new RebalanceRecommendationMonitor(client, clock);
    }

    @Override
    protected void postNotice()
    {
        emulator.postRebalanceRecommendation(clock.instant());
    }

    @Override
    protected void clearNotice()
    {
        emulator.clearRebalanceRecommendation();
    }

    @Test
    void eventCarriesNoticeTime()
    {
        emulator.setTimeMode(TimeMode.PINNED);
        emulator.postRebalanceRecommendation(START.minusSeconds(10));
        Await.until("the recommendation is reported", () -> !events.isEmpty());
        assertThat(events).singleElement().isInstanceOfSatisfying(RebalanceRecommendation.class,
                event -> assertThat(event.noticeTime()).isEqualTo(START.minusSeconds(10)));
    }
}
