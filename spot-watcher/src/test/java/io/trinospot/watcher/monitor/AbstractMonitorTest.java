package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.Fault;
import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.ManualClock;
import io.trinospot.watcher.Await;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsClientConfig;
import io.trinospot.watcher.status.WatcherMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The contract every monitor keeps, checked against the real emulator under every fault it can inject:
 * no event without a notice, exactly one event per notice, and a poll loop that never dies.
 */
abstract class AbstractMonitorTest
{
    protected static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(15);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

    protected final ManualClock clock = new ManualClock(START);
    protected ImdsEmulator emulator;
    protected final List<InterruptionEvent> events = new CopyOnWriteArrayList<>();
    private final WatcherMetrics metrics = new WatcherMetrics();
    private MonitorLoop loop;
    private String monitorName;

    /** The IMDS path the monitor reads. */
    protected abstract String path();

    protected abstract NoticeMonitor newMonitor(ImdsClient client, InstantSource clock);

    /** Posts a notice; each call posts a distinct one. */
    protected abstract void postNotice();

    protected abstract void clearNotice();

    @BeforeEach
    void startLoop()
    {
        emulator = ImdsEmulator.builder().clock(clock).start();
        ImdsClient client = new ImdsClient(ImdsClientConfig.forEndpoint(emulator.endpoint()).withRequestTimeout(REQUEST_TIMEOUT), clock);
        NoticeMonitor monitor = newMonitor(client, clock);
        monitorName = monitor.name();
        loop = new MonitorLoop(monitor, events::add, POLL_INTERVAL, MAX_BACKOFF, clock, metrics).start();
    }

    @AfterEach
    void stopLoop()
    {
        loop.close();
        emulator.close();
    }

    /** Waits until the monitor has made {@code count} more requests to its path. */
    protected void awaitPolls(int count)
    {
        long target = emulator.requestCount(path()) + count;
        Await.until(count + " more polls of " + path(), () -> emulator.requestCount(path()) >= target);
    }

    /** Waits until {@code count} more polls were answered normally (not shaped by a fault). */
    protected void awaitCleanPolls(int count)
    {
        long target = cleanPolls() + count;
        Await.until(count + " more clean polls of " + path(), () -> cleanPolls() >= target);
    }

    private long cleanPolls()
    {
        return emulator.requests(request -> request.path().equals(path()) && request.fault().isEmpty() && request.status() != 401).size();
    }

    @Test
    void noNoticeNoEvent()
    {
        awaitPolls(20);
        assertThat(events).isEmpty();
    }

    @Test
    void oneEventPerNoticeWhileTimeMoves()
    {
        awaitPolls(2);
        postNotice();
        Await.until("the notice is reported", () -> !events.isEmpty());
        // AEMM moves every time in the answer forward as the clock runs; still the same notice.
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(3));
            awaitCleanPolls(2);
        }
        assertThat(events).hasSize(1);
    }

    @Test
    void noticeAfterItWasClearedIsNew()
    {
        postNotice();
        Await.until("the first notice is reported", () -> events.size() == 1);
        clearNotice();
        awaitCleanPolls(3);
        postNotice();
        Await.until("the second notice is reported", () -> events.size() == 2);
        awaitCleanPolls(5);
        assertThat(events).hasSize(2);
    }

    @Test
    void serverErrorsNeitherDrainNorMissTheNotice()
    {
        emulator.failNext(10, 500);
        awaitPolls(10);
        assertThat(events).isEmpty();
        emulator.failNext(5, 503);
        postNotice();
        Await.until("the notice is reported after the errors", () -> events.size() == 1);
        emulator.failNext(5, 502);
        awaitPolls(5);
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
        assertThat(loop.isAlive()).isTrue();
    }

    @Test
    void timeoutsNeitherDrainNorMissTheNotice()
    {
        // Each delay outlasts the client's timeout.
        emulator.inject(Fault.delay(Duration.ofMillis(1200)).times(3).onPath(path()));
        awaitPolls(3);
        assertThat(events).isEmpty();
        emulator.inject(Fault.delay(Duration.ofMillis(1200)).times(2).onPath(path()));
        postNotice();
        Await.until("the notice is reported after the timeouts", () -> events.size() == 1);
        emulator.inject(Fault.delay(Duration.ofMillis(1200)).times(2).onPath(path()));
        awaitPolls(2);
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
    }

    @Test
    void droppedConnectionsNeitherDrainNorMissTheNotice()
    {
        emulator.inject(Fault.drop().times(6).onPath(path()));
        awaitPolls(6);
        assertThat(events).isEmpty();
        emulator.inject(Fault.drop().times(4).onPath(path()));
        postNotice();
        Await.until("the notice is reported after dropped connections", () -> events.size() == 1);
        emulator.inject(Fault.drop().times(4).onPath(path()));
        awaitPolls(4);
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
    }

    /** Whether a 200 answer whose body does not parse is a notice: on the Spot path any 200 is one. */
    protected boolean garbageIsANotice()
    {
        return false;
    }

    @Test
    void malformedBodiesNeitherDrainNorMissTheNotice()
    {
        assumeFalse(garbageIsANotice(), "on this path garbage is a notice (see the subclass)");
        // Garbage answered with 200 while nothing is posted must not look like a notice.
        emulator.inject(Fault.malformed().times(16).onPath(path()));
        awaitPolls(16);
        assertThat(events).isEmpty();
        emulator.inject(Fault.malformed().times(8).onPath(path()));
        postNotice();
        Await.until("the notice is reported after garbage", () -> events.size() == 1);
        emulator.inject(Fault.malformed().times(8).onPath(path()));
        awaitPolls(8);
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
        assertThat(metrics.counter("trinospot_watcher_imds_errors_total", "monitor", monitorName, "kind", "malformed")).isPositive();
    }

    @Test
    void tokenExpiryNeitherDrainsNorMissesTheNotice()
    {
        awaitPolls(2);
        emulator.expireTokens();
        awaitCleanPolls(2);
        emulator.revokeTokens();
        awaitCleanPolls(2);
        assertThat(events).isEmpty();
        emulator.expireTokens();
        postNotice();
        Await.until("the notice is reported after token expiry", () -> events.size() == 1);
        emulator.revokeTokens();
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
        assertThat(emulator.tokensIssued()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void tokenEndpointFailuresNeitherDrainNorMissTheNotice()
    {
        awaitPolls(1);
        emulator.revokeTokens();
        emulator.inject(Fault.errorStatus(500).times(5).onPath(ImdsEmulator.TOKEN_PATH));
        postNotice();
        Await.until("the notice is reported once tokens come back", () -> events.size() == 1);
        awaitCleanPolls(3);
        assertThat(events).hasSize(1);
    }

    @Test
    void everyFaultAtOnceWithoutANotice()
    {
        emulator.failNext(3, 500);
        emulator.inject(Fault.delay(Duration.ofMillis(1200)).times(2).onPath(path()));
        emulator.inject(Fault.drop().times(3).onPath(path()));
        if (!garbageIsANotice()) {
            emulator.inject(Fault.malformed().times(8).onPath(path()));
        }
        emulator.expireTokens();
        Await.until("every fault used up", () -> emulator.pendingFaults() == 0);
        awaitCleanPolls(3);
        assertThat(events).isEmpty();
        assertThat(loop.isAlive()).isTrue();
    }
}
