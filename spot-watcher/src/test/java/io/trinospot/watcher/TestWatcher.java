package io.trinospot.watcher;

import io.trinospot.harness.imds.Fault;
import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.ManualClock;
import io.trinospot.harness.imds.SpotAction;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.monitor.RebalanceRecommendationMonitor;
import io.trinospot.watcher.monitor.ScheduledMaintenanceMonitor;
import io.trinospot.watcher.monitor.SpotInstanceActionMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assembled agent against the emulator and a fake worker, configured the way a node would be.
 */
class TestWatcher
{
    @TempDir
    Path dir;

    @Test
    void spotNoticeShutsTheWorkerDownAndShowsInMetrics()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start();
                FakeTrinoWorker worker = new FakeTrinoWorker("secret-for-test")) {
            Path trinoConfig = dir.resolve("config.properties");
            Files.writeString(trinoConfig, "coordinator=false\nhttp-server.http.port=" + worker.port() + "\ninternal-communication.shared-secret=secret-for-test\n");
            WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                    "watcher.imds.endpoint", imds.endpoint().toString(),
                    "watcher.poll-interval", "50ms",
                    "watcher.spot.poll-interval", "50ms",
                    "watcher.max-backoff", "200ms",
                    "watcher.trino.config-file", trinoConfig.toString(),
                    "watcher.http.port", "0"));
            try (Watcher watcher = new Watcher(config, InstantSource.system(), Optional.empty())) {
                HttpClient http = HttpClient.newHttpClient();
                URI status = URI.create("http://127.0.0.1:" + watcher.statusPort().orElseThrow());
                Await.until("first successful poll", () -> watcher.metrics().lastSuccessfulPoll().isPresent());
                assertThat(http.send(HttpRequest.newBuilder(status.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(200);

                imds.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
                Await.until("worker told to shut down", () -> worker.states.contains("SHUTTING_DOWN"));
                assertThat(worker.unauthorized).isZero();
                // the worker records the state before the agent has read its answer and counted the change
                Await.until("state change counted", () -> watcher.metrics().counter("trinospot_watcher_state_changes_total", "state", "SHUTTING_DOWN") == 1);

                String metrics = http.send(HttpRequest.newBuilder(status.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics)
                        .contains("trinospot_watcher_notices_seen_total{kind=\"spot-interruption\"} 1")
                        .contains("trinospot_watcher_state_changes_total{state=\"SHUTTING_DOWN\"} 1")
                        .contains("trinospot_watcher_notice_to_state_change_seconds_count 1");
                assertThat(worker.states).containsExactly("SHUTTING_DOWN");
            }
        }
    }

    @Test
    void dryRunChangesNothing()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start();
                FakeTrinoWorker worker = new FakeTrinoWorker("s")) {
            WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                    "watcher.imds.endpoint", imds.endpoint().toString(),
                    "watcher.poll-interval", "50ms",
                    "watcher.spot.poll-interval", "50ms",
                    "watcher.max-backoff", "200ms",
                    "watcher.trino.port", String.valueOf(worker.port()),
                    "watcher.trino.shared-secret", "s",
                    "watcher.http.enabled", "false",
                    "watcher.dry-run", "true"));
            try (Watcher watcher = new Watcher(config, InstantSource.system(), Optional.empty())) {
                imds.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
                Await.until("the notice is handled", () -> watcher.metrics().counter("trinospot_watcher_state_changes_total", "state", "SHUTTING_DOWN") == 1);
                assertThat(worker.states).isEmpty();
            }
        }
    }

    @Test
    void imdsThatNeverAnswersMakesTheAgentUnhealthyUntilItAnswers()
            throws Exception
    {
        // From now: the fake worker checks the expiry of the agent's tokens against the real time.
        ManualClock clock = new ManualClock(Instant.now());
        try (ImdsEmulator imds = ImdsEmulator.start();
                FakeTrinoWorker worker = new FakeTrinoWorker("s")) {
            // A token PUT that never gets an answer, as behind a hop limit of 1 in a container.
            imds.inject(Fault.drop().during(Duration.ofDays(1)).onPath(ImdsEmulator.TOKEN_PATH));
            WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                    "watcher.imds.endpoint", imds.endpoint().toString(),
                    "watcher.poll-interval", "50ms",
                    "watcher.spot.poll-interval", "50ms",
                    "watcher.max-backoff", "200ms",
                    "watcher.trino.port", String.valueOf(worker.port()),
                    "watcher.trino.shared-secret", "s",
                    "watcher.http.port", "0"));
            try (Watcher watcher = new Watcher(config, clock, Optional.empty())) {
                URI healthz = URI.create("http://127.0.0.1:" + watcher.statusPort().orElseThrow() + "/healthz");
                Await.until("token requests failing", () -> imds.requestCount(ImdsEmulator.TOKEN_PATH) >= 3);
                assertThat(get(healthz).statusCode()).as("within 30 s of the start").isEqualTo(200);

                clock.advance(Duration.ofSeconds(31));
                HttpResponse<String> blind = get(healthz);
                assertThat(blind.statusCode()).isEqualTo(503);
                assertThat(blind.body()).contains("spot-instance-action").contains("no successful answer");
                assertThat(watcher.healthy()).isFalse();

                imds.clearFaults();
                Await.until("IMDS answers again", watcher::healthy);
                assertThat(get(healthz).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void workerThatRejectsTheAgentsCredentialsMakesItUnhealthy()
            throws Exception
    {
        // From now: the fake worker checks the expiry of the agent's tokens against the real time.
        ManualClock clock = new ManualClock(Instant.now());
        try (ImdsEmulator imds = ImdsEmulator.builder().clock(clock).start();
                FakeTrinoWorker worker = new FakeTrinoWorker("the-workers-secret")) {
            WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                    "watcher.imds.endpoint", imds.endpoint().toString(),
                    "watcher.poll-interval", "50ms",
                    "watcher.spot.poll-interval", "50ms",
                    "watcher.max-backoff", "200ms",
                    "watcher.trino.port", String.valueOf(worker.port()),
                    "watcher.trino.shared-secret", "not-the-workers-secret",
                    "watcher.http.port", "0"));
            try (Watcher watcher = new Watcher(config, clock, Optional.empty())) {
                URI healthz = URI.create("http://127.0.0.1:" + watcher.statusPort().orElseThrow() + "/healthz");
                // Time passes until the worker check has seen the refusal for 30 s.
                Await.until("the worker check reports the refusal", () -> {
                    clock.advance(Duration.ofSeconds(1));
                    return watcher.health().problems().stream().anyMatch(problem -> problem.startsWith("worker: "));
                });

                HttpResponse<String> rejected = get(healthz);
                assertThat(rejected.statusCode()).isEqualTo(503);
                assertThat(rejected.body()).contains("worker").contains("401").doesNotContain("the-workers-secret");
                assertThat(http().send(HttpRequest.newBuilder(healthz.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("trinospot_watcher_healthy 0");
            }
        }
    }

    @Test
    void spotNoticePathIsPolledAtItsOwnInterval()
            throws Exception
    {
        try (ImdsEmulator imds = ImdsEmulator.start()) {
            // The other paths once an hour: they are polled at the start and not again while the test runs.
            WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                    "watcher.imds.endpoint", imds.endpoint().toString(),
                    "watcher.poll-interval", "1h",
                    "watcher.spot.poll-interval", "20ms",
                    "watcher.max-backoff", "1h",
                    "watcher.health.unhealthy-after", "2h",
                    "watcher.trino.shared-secret", "s",
                    "watcher.http.enabled", "false"));
            try (Watcher ignored = new Watcher(config, InstantSource.system(), Optional.empty())) {
                Await.until("the Spot notice path polled again and again", () -> imds.requestCount(SpotInstanceActionMonitor.PATH) >= 5);
                Await.until("the other paths polled at the start", () -> imds.requestCount(RebalanceRecommendationMonitor.PATH) == 1
                        && imds.requestCount(ScheduledMaintenanceMonitor.PATH) == 1);
                assertThat(imds.requestCount(RebalanceRecommendationMonitor.PATH)).isEqualTo(1);
                assertThat(imds.requestCount(ScheduledMaintenanceMonitor.PATH)).isEqualTo(1);
            }
        }
    }

    private static HttpClient http()
    {
        return HttpClient.newHttpClient();
    }

    private static HttpResponse<String> get(URI uri)
            throws Exception
    {
        return http().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
