package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.ScheduledEvent;
import io.trinospot.harness.imds.TimeMode;
import io.trinospot.watcher.Await;
import io.trinospot.watcher.imds.ImdsClient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TestScheduledMaintenanceMonitor
        extends AbstractMonitorTest
{
    private final AtomicInteger eventIds = new AtomicInteger();

    @Override
    protected String path()
    {
        return ScheduledMaintenanceMonitor.PATH;
    }

    @Override
    protected NoticeMonitor newMonitor(ImdsClient client, InstantSource clock)
    {
        return new ScheduledMaintenanceMonitor(client, clock);
    }

    @Override
    protected void postNotice()
    {
        // A new notice is a new EventId; clearing does not make an old id new again.
        emulator.postScheduledEvent(ScheduledEvent.active("instance-stop", "instance-event-" + eventIds.incrementAndGet(), clock.instant().plusSeconds(600)));
    }

    @Override
    protected void clearNotice()
    {
        emulator.clearScheduledEvents();
    }

    @Test
    void eventCarriesCodeAndAwsFormattedTimes()
    {
        emulator.setTimeMode(TimeMode.PINNED);
        emulator.postScheduledEvent(new ScheduledEvent("system-reboot", "scheduled reboot", "active", "instance-event-0d59937288b749b32",
                Instant.parse("2026-11-23T09:00:43Z"), Optional.of(Instant.parse("2026-11-23T11:00:43Z")), Optional.empty()));
        Await.until("the event is reported", () -> !events.isEmpty());
        assertThat(events).singleElement().isInstanceOfSatisfying(ScheduledMaintenance.class, event -> {
            assertThat(event.eventId()).isEqualTo("instance-event-0d59937288b749b32");
            assertThat(event.code()).isEqualTo("system-reboot");
            assertThat(event.notBefore()).isEqualTo(Instant.parse("2026-11-23T09:00:43Z"));
            assertThat(event.notAfter()).contains(Instant.parse("2026-11-23T11:00:43Z"));
            assertThat(event.stopsOrReboots()).isTrue();
        });
    }

    @Test
    void sameEventIdIsReportedOnceEvenIfReposted()
    {
        ScheduledEvent event = ScheduledEvent.active("instance-retirement", "instance-event-same", START.plusSeconds(3600));
        emulator.postScheduledEvent(event);
        Await.until("the event is reported", () -> events.size() == 1);
        emulator.clearScheduledEvents();
        awaitPolls(3);
        emulator.postScheduledEvent(event);
        awaitPolls(5);
        assertThat(events).hasSize(1);
    }

    @Test
    void canceledAndCompletedEventsAreNotReported()
    {
        emulator.postScheduledEvent(ScheduledEvent.active("instance-stop", "instance-event-c1", START.plusSeconds(600)).withState("canceled"));
        emulator.postScheduledEvent(ScheduledEvent.active("instance-reboot", "instance-event-c2", START.plusSeconds(600)).withState("completed"));
        awaitPolls(5);
        assertThat(events).isEmpty();
    }

    @Test
    void eachActiveEventIsReported()
    {
        emulator.postScheduledEvent(ScheduledEvent.active("instance-stop", "instance-event-a", START.plusSeconds(600)));
        emulator.postScheduledEvent(ScheduledEvent.active("system-maintenance", "instance-event-b", START.plusSeconds(900)));
        Await.until("both events are reported", () -> events.size() == 2);
        awaitPolls(5);
        assertThat(events).extracting(event -> ((ScheduledMaintenance) event).eventId()).containsExactly("instance-event-a", "instance-event-b");
    }
}
