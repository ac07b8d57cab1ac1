package io.trinospot.watcher.status;

import io.trinospot.watcher.http.PlainHttp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TestStatusServer
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Health.Report HEALTHY = new Health.Report(List.of(
            new Health.Check(Health.THREADS, List.of()), new Health.Check(Health.IMDS, List.of()), new Health.Check(Health.WORKER, List.of())));

    @Test
    void healthzIsOkOrOneLinePerProblem()
            throws Exception
    {
        AtomicReference<Health.Report> health = new AtomicReference<>(HEALTHY);
        try (StatusServer server = new StatusServer("127.0.0.1", 0, new WatcherMetrics(), health::get)) {
            URI healthz = URI.create("http://127.0.0.1:" + server.port() + "/healthz");

            PlainHttp.StringResponse ok = get(healthz);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("ok\n");

            health.set(new Health.Report(List.of(
                    new Health.Check(Health.THREADS, List.of()),
                    new Health.Check(Health.IMDS, List.of("spot-instance-action: no successful answer for 31s", "rebalance-recommendation: no successful answer for 31s")),
                    new Health.Check(Health.WORKER, List.of("no access for 40s: GET /v1/memory answered 401")))));
            PlainHttp.StringResponse failing = get(healthz);
            assertThat(failing.status()).isEqualTo(503);
            assertThat(failing.body()).isEqualTo("""
                    imds: spot-instance-action: no successful answer for 31s
                    imds: rebalance-recommendation: no successful answer for 31s
                    worker: no access for 40s: GET /v1/memory answered 401
                    """);
        }
    }

    @Test
    void metricsWithHealthGaugesAndUnknownPaths()
            throws Exception
    {
        WatcherMetrics metrics = new WatcherMetrics();
        metrics.noticeSeen("spot-interruption");
        Health.Report workerLockedOut = new Health.Report(List.of(
                new Health.Check(Health.THREADS, List.of()), new Health.Check(Health.IMDS, List.of()), new Health.Check(Health.WORKER, List.of("refused"))));
        try (StatusServer server = new StatusServer("127.0.0.1", 0, metrics, () -> workerLockedOut)) {
            PlainHttp.StringResponse scrape = get(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("trinospot_watcher_notices_seen_total{kind=\"spot-interruption\"} 1")
                    .contains("# TYPE trinospot_watcher_healthy gauge\ntrinospot_watcher_healthy 0\n")
                    .contains("trinospot_watcher_check_healthy{check=\"threads\"} 1\n")
                    .contains("trinospot_watcher_check_healthy{check=\"imds\"} 1\n")
                    .contains("trinospot_watcher_check_healthy{check=\"worker\"} 0\n");
            assertThat(get(URI.create("http://127.0.0.1:" + server.port() + "/nothing")).status()).isEqualTo(404);
        }
    }

    private static PlainHttp.StringResponse get(URI uri)
            throws Exception
    {
        return PlainHttp.shared().sendForString(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 64 * 1024);
    }
}
