package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.SpotAction;
import io.trinospot.harness.imds.TimeMode;
import io.trinospot.watcher.Await;
import io.trinospot.watcher.imds.ImdsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class TestSpotInstanceActionMonitor
        extends AbstractMonitorTest
{
    @Override
    protected String path()
    {
        return SpotInstanceActionMonitor.PATH;
    }

    @Override
    protected NoticeMonitor newMonitor(ImdsClient client, InstantSource clock)
    {
        return new SpotInstanceActionMonitor(client, clock);
    }

    @Override
    protected void postNotice()
    {
        emulator.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
    }

    @Override
    protected void clearNotice()
    {
        emulator.clearSpotNotice();
    }

    @Test
    void eventCarriesActionAndFirstSeenDeadline()
    {
        clock.advance(Duration.ofSeconds(5));
        emulator.postSpotNoticeIn(SpotAction.HIBERNATE, Duration.ofMinutes(2));
        Await.until("the notice is reported", () -> !events.isEmpty());
        clock.advance(Duration.ofSeconds(30));
        awaitPolls(3);
        assertThat(events).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
            assertThat(event.action()).isEqualTo("hibernate");
            assertThat(event.deadline()).isEqualTo(START.plusSeconds(125));
            assertThat(event.observedAt()).isEqualTo(START.plusSeconds(5));
        });
    }

    @Test
    void pinnedTimeNoticeIsReportedOnce()
    {
        emulator.setTimeMode(TimeMode.PINNED);
        emulator.postSpotNotice(SpotAction.STOP, START.plusSeconds(120));
        Await.until("the notice is reported", () -> !events.isEmpty());
        awaitPolls(10);
        assertThat(events).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
            assertThat(event.action()).isEqualTo("stop");
            assertThat(event.deadline()).isEqualTo(START.plusSeconds(120));
        });
    }

    @Test
    void changedActionIsStillTheSameNotice()
    {
        emulator.postSpotNoticeIn(SpotAction.STOP, Duration.ofMinutes(2));
        Await.until("the notice is reported", () -> !events.isEmpty());
        emulator.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
        awaitPolls(5);
        assertThat(events).hasSize(1);
    }

    @Test
    void noticePostedForLaterIsReportedWhenVisible()
    {
        emulator.postSpotNotice(SpotAction.TERMINATE, START.plusSeconds(150), START.plusSeconds(30));
        awaitPolls(5);
        assertThat(events).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        Await.until("the notice is reported", () -> events.size() == 1);
    }
}
