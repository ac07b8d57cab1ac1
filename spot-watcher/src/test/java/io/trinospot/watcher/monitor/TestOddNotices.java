package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.ManualClock;
import io.trinospot.watcher.imds.ImdsException;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.watcher.testing.StubImds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Answers the emulator does not send: notices with an action or a time the monitors do not know, and scheduled
 * event lists with bad entries. Each poll is made directly, on the test's thread.
 */
class TestOddNotices
{
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final StubImds imds = new StubImds();
    private final SpotInstanceActionMonitor spot = new SpotInstanceActionMonitor(imds.client(clock), clock);
    private final ScheduledMaintenanceMonitor scheduled = new ScheduledMaintenanceMonitor(imds.client(clock), clock);

    @AfterEach
    void stop()
    {
        imds.close();
    }

    @Test
    void spotNoticeWithAnUnknownActionIsStillANotice()
            throws ImdsException
    {
        imds.answer(SpotInstanceActionMonitor.PATH, "{\"action\": \"reboot\", \"time\": \"2026-11-22T10:01:30Z\"}");
        try (LogCapture log = new LogCapture(SpotInstanceActionMonitor.class)) {
            assertThat(spot.poll()).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
                assertThat(event.action()).isEqualTo("reboot");
                assertThat(event.deadline()).isEqualTo(START.plusSeconds(90));
            });
            assertThat(log.messages()).singleElement().asString().contains("WARNING", "unknown action 'reboot'");
        }
        assertThat(spot.poll()).as("the same notice on the next poll").isEmpty();
    }

    @Test
    void spotNoticeWithATimeThatDoesNotParseGivesTwoMinutesFromWhenItWasFirstSeen()
            throws ImdsException
    {
        imds.answer(SpotInstanceActionMonitor.PATH, "{\"action\": \"terminate\", \"time\": \"in two minutes\"}");
        try (LogCapture log = new LogCapture(SpotInstanceActionMonitor.class)) {
            assertThat(spot.poll()).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
                assertThat(event.action()).isEqualTo("terminate");
                assertThat(event.deadline()).isEqualTo(START.plus(Duration.ofMinutes(2)));
                assertThat(event.observedAt()).isEqualTo(START);
            });
            clock.advance(Duration.ofSeconds(30));
            assertThat(spot.poll()).isEmpty();
            assertThat(log.messages()).as("logged once, when first seen").singleElement().asString().contains("WARNING", "'in two minutes'");
        }
    }

    @Test
    void spotAnswerWithNeitherAKnownActionNorATimeIsStillANotice()
            throws ImdsException
    {
        // IMDS answers this path with 404 until EC2 posts a notice: whatever a 200 holds, the instance is going away
        imds.answer(SpotInstanceActionMonitor.PATH, "{\"action\":\"explode\",\"time\":\"yesterday\"}");
        try (LogCapture log = new LogCapture(SpotInstanceActionMonitor.class)) {
            assertThat(spot.poll()).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
                assertThat(event.action()).isEqualTo("explode");
                assertThat(event.deadline()).isEqualTo(START.plus(Duration.ofMinutes(2)));
            });
            assertThat(log.messages()).singleElement().asString().contains("WARNING", "unknown action 'explode'", "'yesterday'");
        }
        assertThat(spot.poll()).as("the same notice on the next poll").isEmpty();
    }

    @Test
    void spotAnswerThatIsNotAnObjectIsStillANoticeAndItsBodyIsLoggedOnOneLine()
            throws ImdsException
    {
        imds.answer(SpotInstanceActionMonitor.PATH, "<html>\n<body>Service Unavailable</body>\n</html>");
        try (LogCapture log = new LogCapture(SpotInstanceActionMonitor.class)) {
            assertThat(spot.poll()).singleElement().isInstanceOfSatisfying(SpotInterruption.class, event -> {
                assertThat(event.action()).isEqualTo("unknown");
                assertThat(event.deadline()).isEqualTo(START.plus(Duration.ofMinutes(2)));
            });
            assertThat(log.messages()).singleElement().asString().contains("not a JSON object", "<html>?<body>").doesNotContain("\n");
        }
    }

    @Test
    void rescheduledEventIsReportedAgainWithItsNewTime()
            throws ImdsException
    {
        imds.answer(ScheduledMaintenanceMonitor.PATH, list(entry("instance-event-1", "instance-stop", "active", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT")));
        assertThat(notBefores(scheduled.poll())).containsExactly(Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(scheduled.poll()).isEmpty();

        imds.answer(ScheduledMaintenanceMonitor.PATH, list(entry("instance-event-1", "instance-stop", "active", "23 Nov 2026 12:00:00 GMT", "23 Nov 2026 14:00:00 GMT")));
        assertThat(notBefores(scheduled.poll())).containsExactly(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(scheduled.poll()).isEmpty();
    }

    @Test
    void eventCanceledAfterItWasReportedIsReportedAsCanceled()
            throws ImdsException
    {
        imds.answer(ScheduledMaintenanceMonitor.PATH, list(
                entry("instance-event-1", "instance-stop", "active", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT"),
                entry("instance-event-2", "instance-reboot", "canceled", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT")));
        assertThat(scheduled.poll()).singleElement().isInstanceOf(ScheduledMaintenance.class);

        imds.answer(ScheduledMaintenanceMonitor.PATH, list(
                entry("instance-event-1", "instance-stop", "canceled", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT"),
                entry("instance-event-2", "instance-reboot", "canceled", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT")));
        assertThat(scheduled.poll()).singleElement().isInstanceOfSatisfying(ScheduledMaintenanceCanceled.class, event -> {
            assertThat(event.eventId()).isEqualTo("instance-event-1");
            assertThat(event.state()).isEqualTo("canceled");
            assertThat(event.observedAt()).isEqualTo(START);
        });
        assertThat(scheduled.poll()).isEmpty();
    }

    @Test
    void unchangedEventIsNotRescheduledHoweverLongBetweenPolls()
            throws ImdsException
    {
        // Real IMDS serves fixed times: polls minutes apart (an outage) must not look like a reschedule.
        imds.answer(ScheduledMaintenanceMonitor.PATH, list(entry("instance-event-1", "instance-stop", "active", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT")));
        assertThat(scheduled.poll()).hasSize(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(scheduled.poll()).isEmpty();
    }

    @Test
    void badEntriesDoNotHideTheGoodOnes()
            throws ImdsException
    {
        imds.answer(ScheduledMaintenanceMonitor.PATH, list(
                entry("instance-event-good", "instance-stop", "active", "22 Nov 2026 12:00:00 GMT", "22 Nov 2026 14:00:00 GMT"),
                entry("instance-event-bad-not-after", "instance-reboot", "active", "22 Nov 2026 13:00:00 GMT", "whenever"),
                entry("instance-event-bad-not-before", "instance-retirement", "active", "someday", "22 Nov 2026 14:00:00 GMT"),
                "42"));
        try (LogCapture log = new LogCapture(ScheduledMaintenanceMonitor.class)) {
            List<InterruptionEvent> events = scheduled.poll();
            assertThat(events).hasSize(2);
            assertThat(events.get(0)).isInstanceOfSatisfying(ScheduledMaintenance.class, event -> assertThat(event.eventId()).isEqualTo("instance-event-good"));
            // The stop still comes at NotBefore; only the end of its window is unknown.
            assertThat(events.get(1)).isInstanceOfSatisfying(ScheduledMaintenance.class, event -> {
                assertThat(event.eventId()).isEqualTo("instance-event-bad-not-after");
                assertThat(event.notBefore()).isEqualTo(Instant.parse("2026-11-22T13:00:00Z"));
                assertThat(event.notAfter()).isEmpty();
            });
            assertThat(log.messages()).hasSize(3)
                    .anySatisfy(line -> assertThat(line).contains("instance-event-bad-not-after", "'whenever'"))
                    .anySatisfy(line -> assertThat(line).contains("instance-event-bad-not-before", "'someday'"))
                    .anySatisfy(line -> assertThat(line).contains("42"));
            assertThat(scheduled.poll()).isEmpty();
            assertThat(log.messages()).as("a bad entry is logged once, not on every poll").hasSize(3);
        }
    }

    private static List<Instant> notBefores(List<InterruptionEvent> events)
    {
        List<Instant> times = new ArrayList<>();
        for (InterruptionEvent event : events) {
            times.add(((ScheduledMaintenance) event).notBefore());
        }
        return times;
    }

    static String list(String... entries)
    {
        return "[" + String.join(",", entries) + "]";
    }

    static String entry(String eventId, String code, String state, String notBefore, String notAfter)
    {
        return """
                {"NotBefore": "%s", "Code": "%s", "Description": "The instance is scheduled for %s", "EventId": "%s", "NotAfter": "%s", "State": "%s"}"""
                .formatted(notBefore, code, code, eventId, notAfter, state);
    }
}
