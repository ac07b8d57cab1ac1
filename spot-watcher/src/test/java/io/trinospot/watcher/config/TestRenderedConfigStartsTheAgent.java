package io.trinospot.watcher.config;

import com.sun.net.httpserver.HttpServer;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.watcher.Watcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every agent setting goes through trino-config's {@code trino-spot-watcher} classification, is rendered, read by
 * the agent's own loader, and the agent starts on it: what renders also starts.
 */
class TestRenderedConfigStartsTheAgent
{
    private static final String SHARED_SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret";

    @TempDir
    Path dir;

    @Test
    void everySettingRendersAndTheAgentStartsOnTheResult()
            throws Exception
    {
        CountDownLatch imdsAsked = new CountDownLatch(1);
        HttpServer imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/", exchange -> {
            imdsAsked.countDown();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        imds.start();
        try {
            Path trinoConfig = dir.resolve("config.properties");
            Path nodeProperties = dir.resolve("node.properties");
            Files.writeString(trinoConfig, "http-server.http.port=8086\n");
            Files.writeString(nodeProperties, "node.environment=spotlab\n");
            Path secretFile = Files.writeString(dir.resolve("trino-shared-secret"), "s3cret-from-file\n");

            // none at its default, so each value is seen to arrive; Trino's syntax such as microseconds included
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("watcher.imds.endpoint", "http://127.0.0.1:" + imds.getAddress().getPort());
            settings.put("watcher.imds.token-ttl", "3h");
            settings.put("watcher.imds.connect-timeout", "500000us");
            settings.put("watcher.imds.request-timeout", "1.5s");
            settings.put("watcher.imds.allow-v1", "true");
            settings.put("watcher.poll-interval", "100ms");
            settings.put("watcher.spot.poll-interval", "150ms");
            settings.put("watcher.max-backoff", "2s");
            settings.put("watcher.safety-margin", "20s");
            settings.put("watcher.drain.task-poll-interval", "500ms");
            settings.put("watcher.drain.early-fail-delay", "3s");
            settings.put("watcher.drain.early-fail-max-delay", "12s");
            settings.put("watcher.coordinator.confirm-shutdown", "false");
            settings.put("watcher.coordinator.uri", "https://127.0.0.1:8089");
            settings.put("watcher.coordinator.user", "spot-test");
            settings.put("watcher.coordinator.announce-catalog", "spot_nodes");
            settings.put("watcher.coordinator.truststore-path", dir.resolve("truststore.p12").toString());
            settings.put("watcher.coordinator.truststore-password-file", dir.resolve("truststore-password").toString());
            // Blank, the default: a password and a token exclude each other.
            settings.put("watcher.coordinator.password-file", "");
            settings.put("watcher.coordinator.token-file", dir.resolve("coordinator-token").toString());
            settings.put("watcher.drain.estimate-factor", "2.5");
            settings.put("watcher.drain.error-code", "generic_internal_error");
            settings.put("watcher.rebalance.drain-enabled", "true");
            settings.put("watcher.rebalance.min-active-workers", "3");
            settings.put("watcher.rebalance.undrain-after", "5m");
            settings.put("watcher.rebalance.max-delay", "45s");
            settings.put("watcher.scheduled.drain-enabled", "false");
            settings.put("watcher.scheduled.drain-lead-time", "90s");
            settings.put("watcher.trino.config-file", trinoConfig.toString());
            settings.put("watcher.trino.node-properties-file", nodeProperties.toString());
            settings.put("watcher.trino.host", "localhost");
            settings.put("watcher.trino.port", "8087");
            settings.put("watcher.trino.shared-secret-file", secretFile.toString());
            settings.put("watcher.trino.allow-node-environment-secret", "true");
            settings.put("watcher.trino.request-timeout", "3s");
            settings.put("watcher.health.unhealthy-after", "45s");
            settings.put("watcher.http.enabled", "true");
            settings.put("watcher.http.bind-address", "127.0.0.1");
            settings.put("watcher.http.port", "0");
            settings.put("watcher.dry-run", "true");
            // the one the agent refuses beside the secret file, rendered on its own below
            String inlineSecret = "watcher.trino.shared-secret";
            assertThat(Stream.concat(settings.keySet().stream(), Stream.of(inlineSecret)).toList()).as("every setting of the agent")
                    .containsExactlyInAnyOrderElementsOf(WatcherSettings.keys());

            WatcherConfig config = renderAndLoad(settings);
            // render requires the worker's own shared secret, which the agent's must then match
            assertThat(renderAndLoad(Map.of(inlineSecret, SHARED_SECRET)).trinoSharedSecret()).map(Secret::value).contains(SHARED_SECRET);

            assertThat(config.imdsEndpoint()).isEqualTo(URI.create(settings.get("watcher.imds.endpoint")));
            assertThat(config.imdsTokenTtl()).isEqualTo(Duration.ofHours(3));
            assertThat(config.imdsConnectTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(config.imdsRequestTimeout()).isEqualTo(Duration.ofMillis(1500));
            assertThat(config.imdsAllowV1()).isTrue();
            assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(100));
            assertThat(config.spotPollInterval()).isEqualTo(Duration.ofMillis(150));
            assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.safetyMargin()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.drainTaskPollInterval()).isEqualTo(Duration.ofMillis(500));
            assertThat(config.drainEarlyFailDelay()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.drainEarlyFailMaxDelay()).isEqualTo(Duration.ofSeconds(12));
            assertThat(config.coordinatorConfirmShutdown()).isFalse();
            assertThat(config.coordinatorUri()).contains(URI.create("https://127.0.0.1:8089"));
            assertThat(config.coordinatorUser()).isEqualTo("spot-test");
            assertThat(config.coordinatorAnnounceCatalog()).contains("spot_nodes");
            assertThat(config.coordinatorSecurity()).isEqualTo(new CoordinatorSecurity(Optional.of(dir.resolve("truststore.p12")),
                    Optional.of(dir.resolve("truststore-password")), Optional.empty(), Optional.of(dir.resolve("coordinator-token"))));
            assertThat(config.drainEstimateFactor()).isEqualTo(2.5);
            assertThat(config.drainErrorCode()).isEqualTo("GENERIC_INTERNAL_ERROR");
            assertThat(config.rebalanceDrainEnabled()).isTrue();
            assertThat(config.rebalanceMinActiveWorkers()).isEqualTo(3);
            assertThat(config.rebalanceUndrainAfter()).isEqualTo(Duration.ofMinutes(5));
            assertThat(config.rebalanceMaxDelay()).isEqualTo(Duration.ofSeconds(45));
            assertThat(config.scheduledDrainEnabled()).isFalse();
            assertThat(config.scheduledDrainLeadTime()).isEqualTo(Duration.ofSeconds(90));
            assertThat(config.trinoConfigFile()).isEqualTo(trinoConfig);
            assertThat(config.trinoNodePropertiesFile()).isEqualTo(nodeProperties);
            assertThat(config.trinoHost()).isEqualTo("localhost");
            assertThat(config.trinoPort()).hasValue(8087);
            assertThat(config.trinoSharedSecretFile()).contains(secretFile.toString());
            assertThat(config.trinoAllowNodeEnvironmentSecret()).isTrue();
            assertThat(config.trinoRequestTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.healthUnhealthyAfter()).isEqualTo(Duration.ofSeconds(45));
            assertThat(config.httpEnabled()).isTrue();
            assertThat(config.httpBindAddress()).isEqualTo("127.0.0.1");
            assertThat(config.httpPort()).isZero();
            assertThat(config.dryRun()).isTrue();

            try (Watcher watcher = new Watcher(config)) {
                assertThat(imdsAsked.await(30, TimeUnit.SECONDS)).as("the agent polls the IMDS endpoint it was given").isTrue();
                assertThat(watcher.statusPort()).hasValueSatisfying(port -> assertThat(port).isPositive());
                assertThat(watcher.healthy()).isTrue();
            }
        }
        finally {
            imds.stop(0);
        }
    }

    private WatcherConfig renderAndLoad(Map<String, String> settings)
            throws Exception
    {
        String rendered = TrinoEtcRenderer.render(new Configurations(List.of(
                        new Classification(Classifications.TRINO_CONFIG, Map.of("internal-communication.shared-secret", SHARED_SECRET)),
                        new Classification(Classifications.SPOT_WATCHER, settings))), Role.WORKER)
                .file("spot-watcher.properties");
        Path file = dir.resolve("spot-watcher.properties");
        Files.writeString(file, rendered);
        return WatcherConfig.load(file);
    }
}
