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

    @Override
    protected boolean garbageIsANotice()
    {
        return true;
    }

    @Test
    void anAnswerThatIsNotJsonIsANoticeWithTheDefaultTwoMinutes()
    {
        clock.advance(Duration.ofSeconds(5));
        // IMDS answers this path with 404 until EC2 posts a notice: a 200, whatever its body, is one
        emulator.postSpotNoticeBody("{\"action\": \"terminate\", \"time\": ");
        Await.until("the notice is reported", () -> !events.isEmpty());
        awaitPolls(3);
        assertThat(events).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
            assertThat(event.action()).isEqualTo("unknown");
            assertThat(event.deadline()).isEqualTo(START.plusSeconds(125));
        });
        // and garbage that ends (a 404 again) ends the notice: the next one is new
        emulator.clearSpotNotice();
        awaitCleanPolls(2);
        emulator.postSpotNoticeBody("<html><body>Service Unavailable</body></html>");
        Await.until("the second notice is reported", () -> events.size() == 2);
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
