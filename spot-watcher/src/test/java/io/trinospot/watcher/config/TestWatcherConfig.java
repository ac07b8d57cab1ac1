package io.trinospot.watcher.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestWatcherConfig
{
    @TempDir
    Path dir;

    @Test
    void defaults()
    {
        WatcherConfig config = WatcherConfig.defaults();
        assertThat(config.imdsEndpoint()).isEqualTo(URI.create("http://169.254.169.254"));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.spotPollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.safetyMargin()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.rebalanceDrainEnabled()).as("draining on a rebalance recommendation").isFalse();
        assertThat(config.rebalanceUndrainAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.rebalanceMinActiveWorkers()).isEqualTo(2);
        assertThat(config.coordinatorSecurity()).isEqualTo(CoordinatorSecurity.NONE);
        assertThat(config.imdsRequestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.imdsAllowV1()).isFalse();
        assertThat(config.trinoConfigFile()).isEqualTo(Path.of("etc/config.properties"));
        assertThat(config.drainErrorCode()).isEqualTo("ADMINISTRATIVELY_PREEMPTED");
        assertThat(config.dryRun()).isFalse();
    }

    @Test
    void overridesFromFile()
            throws Exception
    {
        Path file = dir.resolve("watcher.properties");
        Files.writeString(file, """
                watcher.imds.endpoint=http://127.0.0.1:1234/
                watcher.poll-interval=250ms
                watcher.safety-margin=20s
                watcher.rebalance.drain-enabled=false
                watcher.rebalance.undrain-after=1.5m
                watcher.trino.port=8081
                watcher.dry-run=true
                """);
        WatcherConfig config = WatcherConfig.load(file);
        assertThat(config.imdsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:1234"));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.safetyMargin()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.rebalanceDrainEnabled()).isFalse();
        assertThat(config.rebalanceUndrainAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.trinoPort()).hasValue(8081);
        assertThat(config.dryRun()).isTrue();
    }

    @Test
    void rejectsTyposAndBadValues()
    {
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.pol-interval", "1s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("watcher.pol-interval");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.poll-interval", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("watcher.poll-interval");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.imds.token-ttl", "7h")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.drain.error-code", "USER_CANCELED")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.dry-run", "yes")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void durationsBelowAMillisecondAndZeroWhereItMakesNoSenseAreRejectedNamingTheKey()
    {
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of(WatcherConfig.POLL_INTERVAL, "0.5ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.poll-interval: '0.5ms' is below 1ms, the smallest duration the agent can wait");
        for (WatcherSettings.Setting setting : WatcherSettings.all()) {
            if (setting.syntax() != WatcherSettings.Syntax.DURATION) {
                continue;
            }
            assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of(setting.key(), "0.5ms")))
                    .as(setting.key())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(setting.key() + ": ")
                    .hasMessageContaining("1ms");
            assertThat(setting.check("0.5ms")).as(setting.key()).isPresent();
        }
        for (String key : List.of(WatcherConfig.POLL_INTERVAL, WatcherConfig.SPOT_POLL_INTERVAL, WatcherConfig.MAX_BACKOFF, WatcherConfig.IMDS_CONNECT_TIMEOUT, WatcherConfig.IMDS_REQUEST_TIMEOUT,
                WatcherConfig.DRAIN_TASK_POLL_INTERVAL, WatcherConfig.TRINO_REQUEST_TIMEOUT, WatcherConfig.REBALANCE_UNDRAIN_AFTER, WatcherConfig.IMDS_TOKEN_TTL,
                WatcherConfig.HEALTH_UNHEALTHY_AFTER)) {
            // max-backoff is checked against poll-interval too; zero for both isolates the zero check.
            Map<String, String> properties = key.equals(WatcherConfig.MAX_BACKOFF) ? Map.of(key, "0s") : Map.of(key, "0s", WatcherConfig.MAX_BACKOFF, "5s");
            assertThatThrownBy(() -> WatcherConfig.fromProperties(properties))
                    .as(key)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(key + ": ");
        }
        // Zero is a choice for these: no margin, no hold, no lead time.
        WatcherConfig config = WatcherConfig.fromProperties(Map.of(WatcherConfig.SAFETY_MARGIN, "0s", WatcherConfig.DRAIN_EARLY_FAIL_DELAY, "0s",
                WatcherConfig.DRAIN_EARLY_FAIL_MAX_DELAY, "0s", WatcherConfig.SCHEDULED_DRAIN_LEAD_TIME, "0s", WatcherConfig.REBALANCE_MAX_DELAY, "0s"));
        assertThat(config.safetyMargin()).isZero();
        assertThat(config.rebalanceMaxDelay()).isZero();
        assertThat(WatcherConfig.defaults().rebalanceMaxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(WatcherConfig.fromProperties(Map.of(WatcherConfig.POLL_INTERVAL, "1ms", WatcherConfig.SPOT_POLL_INTERVAL, "1ms", WatcherConfig.MAX_BACKOFF, "1.5ms"))
                .pollInterval())
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void spotNoticePathHasAnIntervalOfItsOwnWithinTheBackoffCap()
    {
        WatcherConfig config = WatcherConfig.fromProperties(Map.of(WatcherConfig.SPOT_POLL_INTERVAL, "200ms", WatcherConfig.POLL_INTERVAL, "2s"));
        assertThat(config.spotPollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of(WatcherConfig.SPOT_POLL_INTERVAL, "250"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.spot.poll-interval: ");
        // Backing off from a failed poll must never poll sooner than the path's own interval.
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of(WatcherConfig.SPOT_POLL_INTERVAL, "6s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.max-backoff: (PT5S) must be at least watcher.spot.poll-interval (PT6S)");
        assertThat(WatcherConfig.fromProperties(Map.of(WatcherConfig.SPOT_POLL_INTERVAL, "5s")).spotPollInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void durationsTooLongToWaitForAreRejectedNamingTheKey()
    {
        // Far beyond any wait of the agent, and long enough to overflow the arithmetic on them.
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of(WatcherConfig.REBALANCE_UNDRAIN_AFTER, "1e300d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.rebalance.undrain-after: '1e300d' is above 30d");
        assertThat(WatcherConfig.fromProperties(Map.of(WatcherConfig.REBALANCE_UNDRAIN_AFTER, "30d")).rebalanceUndrainAfter()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void readsPortAndSecretFromTrinoConfig()
            throws Exception
    {
        Path trinoConfig = dir.resolve("config.properties");
        Files.writeString(trinoConfig, "coordinator=false\nhttp-server.http.port=8085\ninternal-communication.shared-secret=abc123\n");
        TrinoWorkerSettings settings = TrinoWorkerSettings.resolve(
                WatcherConfig.fromProperties(Map.of("watcher.trino.config-file", trinoConfig.toString())), Optional.empty());
        assertThat(settings.baseUri()).isEqualTo(URI.create("http://127.0.0.1:8085"));
        assertThat(settings.sharedSecret()).isEqualTo("abc123");
        assertThat(settings.toString()).doesNotContain("abc123");
    }

    @Test
    void fallsBackToNodeEnvironmentLikeTrinoOnlyWhenAllowed()
            throws Exception
    {
        Path trinoConfig = dir.resolve("config.properties");
        Path nodeProperties = dir.resolve("node.properties");
        Files.writeString(trinoConfig, "http-server.http.port=8086\n");
        Files.writeString(nodeProperties, "node.environment=spotlab\n");
        Map<String, String> files = Map.of(
                "watcher.trino.config-file", trinoConfig.toString(),
                "watcher.trino.node-properties-file", nodeProperties.toString());
        assertThatThrownBy(() -> TrinoWorkerSettings.resolve(WatcherConfig.fromProperties(files), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.trino.shared-secret-file: not set");

        Map<String, String> allowed = new java.util.HashMap<>(files);
        allowed.put("watcher.trino.allow-node-environment-secret", "true");
        assertThat(TrinoWorkerSettings.resolve(WatcherConfig.fromProperties(allowed), Optional.empty()).sharedSecret()).isEqualTo("spotlab");
    }

    @Test
    void coordinatorAndNodeIdComeFromTheWorkersConfigUnlessOverridden()
            throws Exception
    {
        Path trinoConfig = dir.resolve("config.properties");
        Path nodeProperties = dir.resolve("node.properties");
        Files.writeString(trinoConfig, "http-server.http.port=8087\ndiscovery.uri=http://coordinator.internal:8889\ninternal-communication.shared-secret=abc\n");
        Files.writeString(nodeProperties, "node.environment=spotlab\nnode.id=i-0abc123\n");
        Map<String, String> files = Map.of("watcher.trino.config-file", trinoConfig.toString(), "watcher.trino.node-properties-file", nodeProperties.toString());
        TrinoWorkerSettings settings = TrinoWorkerSettings.resolve(WatcherConfig.fromProperties(files), Optional.empty());
        assertThat(settings.coordinatorUri()).contains(URI.create("http://coordinator.internal:8889"));
        assertThat(settings.nodeId()).contains("i-0abc123");

        Map<String, String> overridden = new java.util.HashMap<>(files);
        overridden.put("watcher.coordinator.uri", "http://10.0.0.5:8080");
        assertThat(TrinoWorkerSettings.resolve(WatcherConfig.fromProperties(overridden), Optional.empty()).coordinatorUri()).contains(URI.create("http://10.0.0.5:8080"));

        WatcherConfig defaults = WatcherConfig.defaults();
        assertThat(defaults.coordinatorConfirmShutdown()).isTrue();
        assertThat(defaults.coordinatorUser()).isEqualTo("trino-spot-watcher");
        assertThat(defaults.drainEarlyFailMaxDelay()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void badCoordinatorSettingsAreClearErrors()
    {
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.uri", "coordinator:8080")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("watcher.coordinator.uri");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.drain.early-fail-delay", "8s", "watcher.drain.early-fail-max-delay", "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("watcher.drain.early-fail-max-delay");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.confirm-shutdown", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("watcher.coordinator.confirm-shutdown");
    }

    @Test
    void coordinatorSecuritySettings()
    {
        WatcherConfig config = WatcherConfig.fromProperties(Map.of(
                "watcher.coordinator.uri", "https://coordinator.internal:8443",
                "watcher.coordinator.truststore-path", "/etc/trino/truststore.p12",
                "watcher.coordinator.truststore-password-file", "/etc/trino-spot-watcher/truststore-password",
                "watcher.coordinator.password-file", "/etc/trino-spot-watcher/coordinator-password",
                "watcher.rebalance.drain-enabled", "true",
                "watcher.rebalance.min-active-workers", "3"));
        assertThat(config.coordinatorUri()).contains(URI.create("https://coordinator.internal:8443"));
        assertThat(config.coordinatorSecurity()).isEqualTo(new CoordinatorSecurity(
                Optional.of(Path.of("/etc/trino/truststore.p12")),
                Optional.of(Path.of("/etc/trino-spot-watcher/truststore-password")),
                Optional.of(Path.of("/etc/trino-spot-watcher/coordinator-password")),
                Optional.empty()));
        assertThat(config.rebalanceDrainEnabled()).isTrue();
        assertThat(config.rebalanceMinActiveWorkers()).isEqualTo(3);
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.coordinator.token-file", "token", "watcher.coordinator.uri", "https://c:8443"))
                .coordinatorSecurity().tokenFile()).contains(Path.of("token"));
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.rebalance.min-active-workers", "0")).rebalanceMinActiveWorkers()).isZero();
    }

    @Test
    void badCoordinatorSecurityAndRebalanceSettingsAreOneLineNamingTheKey()
    {
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.uri", "http://coordinator.internal:8080",
                "watcher.coordinator.password-file", "/etc/trino-spot-watcher/coordinator-password")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.password-file: needs the coordinator over https, but its address is http://coordinator.internal:8080"
                        + " (watcher.coordinator.uri); set watcher.coordinator.uri to its https:// address (credentials are never sent over plain http)");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.uri", "http://coordinator.internal:8080",
                "watcher.coordinator.token-file", "token")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.coordinator.token-file: needs the coordinator over https");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.password-file", "p", "watcher.coordinator.token-file", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.token-file: cannot be set together with watcher.coordinator.password-file: the coordinator is asked with a password or with a token, not both");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.truststore-password-file", "p")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.truststore-password-file: is set but watcher.coordinator.truststore-path is not");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.uri", "https://watcher:hunter2@coordinator.internal:8443")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.coordinator.uri: ")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.uri", "ftp://coordinator.internal")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.uri: 'ftp://coordinator.internal' is not an http:// or https:// URI with a host");
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.password-file", "p", "watcher.coordinator.user", "a:b",
                "watcher.coordinator.uri", "https://c:8443")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.user: 'a:b' contains ':', which password authentication cannot send");
        // the catalog name goes into a CALL statement: only what Trino allows in one
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.coordinator.announce-catalog", "spot'); DROP TABLE x; --")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.coordinator.announce-catalog: ")
                .hasMessageContaining("is not a catalog name");
        assertThat(WatcherConfig.fromProperties(Map.of()).coordinatorAnnounceCatalog()).contains("spot");
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.coordinator.announce-catalog", "none")).coordinatorAnnounceCatalog()).isEmpty();
        for (String bad : List.of("-1", "two", "1.5")) {
            assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.rebalance.min-active-workers", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("watcher.rebalance.min-active-workers: '" + bad + "' is not a whole number of zero or more");
        }
    }

    @Test
    void missingWorkerConfigIsAClearError()
    {
        assertThatThrownBy(() -> TrinoWorkerSettings.resolve(WatcherConfig.fromProperties(Map.of(
                "watcher.trino.config-file", dir.resolve("absent.properties").toString())), Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http-server.http.port")
                .hasMessageContaining("not found");
    }

    @Test
    void durationsUseTrinosSyntax()
    {
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.poll-interval", "500000us")).pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.poll-interval", "1.5s")).pollInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.rebalance.undrain-after", "1d")).rebalanceUndrainAfter()).isEqualTo(Duration.ofDays(1));
        // a bare number has no unit; it must not silently mean seconds
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.safety-margin", "15")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.safety-margin: '15' is not a duration such as 500ms, 30s, 1m or 2h");
    }

    @Test
    void rangeErrorsNameTheirKey()
    {
        assertThat(catchConfigException(Map.of("watcher.imds.token-ttl", "7h")).key()).contains("watcher.imds.token-ttl");
        assertThat(catchConfigException(Map.of("watcher.poll-interval", "0s")).key()).contains("watcher.poll-interval");
        assertThat(catchConfigException(Map.of("watcher.poll-interval", "2s", "watcher.max-backoff", "1s")).key()).contains("watcher.max-backoff");
        assertThat(catchConfigException(Map.of("watcher.drain.estimate-factor", "0.5")).key()).contains("watcher.drain.estimate-factor");
    }

    @Test
    void unhealthyAfterOutlastsABackedOffPoll()
    {
        assertThat(WatcherConfig.defaults().healthUnhealthyAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(WatcherConfig.fromProperties(Map.of("watcher.health.unhealthy-after", "7s")).healthUnhealthyAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> WatcherConfig.fromProperties(Map.of("watcher.health.unhealthy-after", "6s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.health.unhealthy-after: (PT6S) must be at least watcher.max-backoff + watcher.imds.request-timeout (PT7S)");
    }

    @Test
    void everySettingHasOneParserAndItsDefaultParses()
    {
        for (WatcherSettings.Setting setting : WatcherSettings.all()) {
            setting.defaultValue().ifPresent(value -> assertThat(setting.check(value)).as(setting.key()).isEmpty());
        }
        assertThat(WatcherSettings.find("watcher.drain.error-code").orElseThrow().check("USER_CANCELED"))
                .contains("'USER_CANCELED' is not one of [ADMINISTRATIVELY_PREEMPTED, GENERIC_INTERNAL_ERROR, REMOTE_HOST_GONE]");
    }

    private static ConfigException catchConfigException(Map<String, String> properties)
    {
        try {
            WatcherConfig.fromProperties(properties);
        }
        catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("accepted " + properties);
    }
}
