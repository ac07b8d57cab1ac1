package io.trinospot.watcher.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.watcher.http.PlainHttp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class TestStatusServer
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void healthzIsJsonWithTheLastPollAndState()
            throws Exception
    {
        WatcherMetrics metrics = new WatcherMetrics();
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (StatusServer server = new StatusServer("127.0.0.1", 0, metrics, healthy::get)) {
            URI healthz = URI.create("http://127.0.0.1:" + server.port() + "/healthz");

            PlainHttp.StringResponse fresh = get(healthz);
            assertThat(fresh.status()).isEqualTo(200);
            assertThat(fresh.body()).endsWith("}\n");
            assertThat(JSON.readTree(fresh.bytes())).isEqualTo(JSON.readTree("{\"status\":\"ok\",\"lastSuccessfulImdsPoll\":null,\"lastStateSet\":null}"));

            metrics.pollSucceeded("spot", Instant.parse("2026-11-22T10:00:00Z"));
            metrics.stateChanged("SHUTTING_DOWN");
            healthy.set(false);
            PlainHttp.StringResponse failing = get(healthz);
            assertThat(failing.status()).isEqualTo(503);
            JsonNode body = JSON.readTree(failing.bytes());
            assertThat(body.get("status").asText()).isEqualTo("failing");
            assertThat(body.get("lastSuccessfulImdsPoll").asText()).isEqualTo("2026-11-22T10:00:00Z");
            assertThat(body.get("lastStateSet").asText()).isEqualTo("SHUTTING_DOWN");
        }
    }

    @Test
    void metricsAndUnknownPaths()
            throws Exception
    {
        WatcherMetrics metrics = new WatcherMetrics();
        metrics.noticeSeen("spot-interruption");
        try (StatusServer server = new StatusServer("127.0.0.1", 0, metrics, () -> true)) {
            PlainHttp.StringResponse scrape = get(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body()).contains("trinospot_watcher_notices_seen_total{kind=\"spot-interruption\"} 1");
            assertThat(get(URI.create("http://127.0.0.1:" + server.port() + "/nothing")).status()).isEqualTo(404);
        }
    }

    private static PlainHttp.StringResponse get(URI uri)
            throws Exception
    {
        return PlainHttp.shared().sendForString(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 64 * 1024);
    }
}
