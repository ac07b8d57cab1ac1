package io.trinospot.config;

import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.RenderedEtc;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.watcher.config.WatcherSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.trinospot.config.LegacyKeysTest.load;
import static io.trinospot.config.TestConfigs.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RendererTest
{
    /** What a node of the AWS blog post's cluster gets beside the file: its HDFS and the cluster's shared secret. */
    static final List<PropertyOverride> NODE = List.of(PropertyOverride.parse("core-site:fs.defaultFS=hdfs://127.0.0.1:9000").orElseThrow(), TestConfigs.SECRET);

    @Test
    void blogWorkerEtc()
            throws Exception
    {
        List<PropertyOverride> overrides = List.of(NODE.getFirst(), NODE.getLast(), PropertyOverride.parse("discovery.uri=http://127.0.0.1:8080").orElseThrow());
        RenderedEtc etc = TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER, overrides);
        assertThat(etc.files().keySet()).containsExactly(
                "catalog/tpcds.properties", "config.properties", "exchange-manager.properties", "hadoop/core-site.xml",
                "jvm.config", "log.properties", "node.properties", "spot-watcher.properties");
        assertThat(etc.file("config.properties")).isEqualTo("""
                # Rendered by trino-config from the trino-config classification; edits are overwritten.
                # Role: worker.
                coordinator=false
                discovery.uri=http://127.0.0.1:8080
                exchange.compression-codec=LZ4
                http-server.http.port=8080
                internal-communication.shared-secret=%s
                query.remote-task.max-error-duration=1m
                retry-initial-delay=1s
                retry-policy=TASK
                shutdown.grace-period=30s
                task.info.max-age=65s
                """.formatted(TestConfigs.SHARED_SECRET));
        assertThat(load(etc.file("exchange-manager.properties"))).containsOnly(
                entry("exchange-manager.name", "spot"), entry("exchange.base-directories", "/exchange"), entry("exchange.use-local-hdfs", "true"));
        assertThat(load(etc.file("catalog/tpcds.properties"))).containsOnly(entry("connector.name", "tpcds"));
        assertThat(etc.file("hadoop/core-site.xml")).contains("<name>fs.defaultFS</name>\n    <value>hdfs://127.0.0.1:9000</value>");
        assertThat(load(etc.file("node.properties"))).containsOnly(entry("node.environment", "trino_spot"), entry("node.data-dir", "/var/trino/data"));
        assertThat(load(etc.file("log.properties"))).containsOnly(entry("io.trino", "INFO"));
        // every default of the agent, so the file shows what the agent runs with
        assertThat(load(etc.file("spot-watcher.properties"))).containsExactlyInAnyOrderEntriesOf(WatcherSettings.defaults());
        assertThat(etc.file("jvm.config").lines().toList())
                .startsWith("-Xmx2G")
                .contains("--add-modules=jdk.incubator.vector", "-XX:+ExitOnOutOfMemoryError")
                .noneMatch(line -> line.startsWith("#") || line.isBlank());
    }

    @Test
    void coordinatorDiffersFromWorkerOnlyWhereRolesDo()
            throws Exception
    {
        RenderedEtc coordinator = TrinoEtcRenderer.render(TestConfigs.blog(), Role.COORDINATOR, NODE);
        RenderedEtc worker = TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER, NODE);
        Properties config = load(coordinator.file("config.properties"));
        assertThat(config.getProperty("coordinator")).isEqualTo("true");
        assertThat(config.getProperty("node-scheduler.include-coordinator")).isEqualTo("false");
        assertThat(config.getProperty("discovery.uri")).isEqualTo("http://localhost:8080");
        assertThat(coordinator.files()).doesNotContainKey("spot-watcher.properties");
        // the agent lists a worker's tasks; a coordinator runs none
        assertThat(config.getProperty("task.info.max-age")).isNull();
        // the settings that must match across the cluster do
        Properties workerConfig = load(worker.file("config.properties"));
        for (String key : List.of("retry-policy", "exchange.compression-codec")) {
            assertThat(config.getProperty(key)).isEqualTo(workerConfig.getProperty(key)).isNotNull();
        }
        assertThat(coordinator.file("exchange-manager.properties")).isEqualTo(worker.file("exchange-manager.properties"));
    }

    @Test
    void coordinatorGetsTheNodeRefreshListenerWithItsJvmOptions()
            throws Exception
    {
        RenderedEtc coordinator = TrinoEtcRenderer.render(TestConfigs.blog(), Role.COORDINATOR, NODE);
        assertThat(load(coordinator.file("spot-node-refresh.properties"))).containsOnly(
                entry("event-listener.name", "spot-node-refresh"), entry("node-refresh.interval", "1s"));
        // the catalog the agents announce their worker's shutdown through
        assertThat(load(coordinator.file("catalog/spot.properties"))).containsOnly(entry("connector.name", "spot_node_state"));
        assertThat(load(coordinator.file("config.properties")).getProperty("event-listener.config-files"))
                .isEqualTo("etc/spot-node-refresh.properties");
        assertThat(coordinator.file("jvm.config").lines().toList()).contains(
                "--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED",
                "--add-opens=java.management/com.sun.jmx.interceptor=ALL-UNNAMED");

        // workers learn nothing from it: no listener, no opened JDK internals
        RenderedEtc worker = TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER, NODE);
        assertThat(worker.files()).doesNotContainKey("spot-node-refresh.properties").doesNotContainKey("catalog/spot.properties");
        assertThat(load(worker.file("config.properties"))).doesNotContainKey("event-listener.config-files");
        assertThat(worker.file("jvm.config")).doesNotContain("--add-opens");
    }

    @Test
    void nodeRefreshCanBeTunedOrTurnedOffAndKeepsTheUsersOwnListeners()
            throws Exception
    {
        Configurations tuned = TestConfigs.withSecret(TestConfigs.of(
                "trino-config", props("event-listener.config-files", "etc/audit.properties"),
                "trino-spot-node-refresh", props("node-refresh.interval", "250ms", "node-refresh.ask-workers", "true")));
        RenderedEtc etc = TrinoEtcRenderer.render(tuned, Role.COORDINATOR);
        assertThat(load(etc.file("spot-node-refresh.properties"))).contains(entry("node-refresh.interval", "250ms"), entry("node-refresh.ask-workers", "true"))
                .doesNotContainKey("node-refresh.require-internals");
        assertThat(load(etc.file("config.properties")).getProperty("event-listener.config-files"))
                .isEqualTo("etc/audit.properties,etc/spot-node-refresh.properties");

        Configurations strict = TestConfigs.withSecret(TestConfigs.of("trino-spot-node-refresh", props("node-refresh.require-internals", "true", "node-state.max-wait", "10s")));
        RenderedEtc strictEtc = TrinoEtcRenderer.render(strict, Role.COORDINATOR);
        assertThat(load(strictEtc.file("spot-node-refresh.properties")))
                .contains(entry("node-refresh.require-internals", "true"), entry("node-refresh.interval", "1s"))
                .doesNotContainKey("node-state.max-wait")
                .doesNotContainKey("node-refresh.ask-workers");
        assertThat(load(strictEtc.file("catalog/spot.properties"))).containsOnly(entry("connector.name", "spot_node_state"), entry("node-state.max-wait", "10s"));

        // a catalog of the user's own under the same name would be replaced: refused, naming it
        assertThatThrownBy(() -> TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of("trino-connector-spot", props("connector.name", "memory"))), Role.COORDINATOR))
                .hasMessageContaining("trino-connector-spot")
                .hasMessageContaining("node-state catalog");
        assertThat(TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of("trino-connector-spot", props("connector.name", "memory"),
                "trino-spot-node-refresh", props("node-refresh.enabled", "false"))), Role.COORDINATOR).file("catalog/spot.properties")).contains("memory");

        Configurations off = TestConfigs.withSecret(TestConfigs.of("trino-spot-node-refresh", props("node-refresh.enabled", "false")));
        RenderedEtc without = TrinoEtcRenderer.render(off, Role.COORDINATOR);
        assertThat(without.files()).doesNotContainKey("spot-node-refresh.properties").doesNotContainKey("catalog/spot.properties");
        assertThat(load(without.file("config.properties"))).doesNotContainKey("event-listener.config-files");
        assertThat(without.file("jvm.config")).doesNotContain("--add-opens");

        assertThatThrownBy(() -> TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of("trino-spot-node-refresh", props("node-refresh.enabled", "yes"))), Role.COORDINATOR))
                .hasMessageContaining("node-refresh.enabled");
        assertThatThrownBy(() -> TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of("trino-spot-node-refresh", props("node-refresh.intervall", "1s"))), Role.COORDINATOR))
                .hasMessageContaining("node-refresh.intervall");
        assertThatThrownBy(() -> TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of("trino-spot-node-refresh", props("node-refresh.ask-workers", "often"))), Role.COORDINATOR))
                .hasMessageContaining("node-refresh.ask-workers");
    }

    @Test
    void fileAndOverridesReplaceDefaults()
            throws Exception
    {
        Configurations configurations = TestConfigs.of(
                "trino-config", props("http-server.http.port", "9090", "shutdown.grace-period", "20s", "internal-communication.shared-secret", TestConfigs.SHARED_SECRET),
                "trino-node", props("node.environment", "lake", "node.data-dir", "/data/trino"),
                "trino-log", props("io.trino", "WARN", "io.trino.execution", "DEBUG"),
                "trino-spot-jvm", props("jvm.heap-size", "6G", "jvm.extra-options", " -Xss4m  -XX:+UseZGC "),
                "trino-spot-watcher", props("watcher.poll-interval", "2s", "watcher.spot.poll-interval", "200ms", "watcher.imds.endpoint", "http://127.0.0.1:1338"));
        List<PropertyOverride> overrides = List.of(
                PropertyOverride.parse("trino-node:node.id=w-1").orElseThrow(),
                PropertyOverride.parse("discovery.uri=http://10.0.0.1:9090").orElseThrow());
        RenderedEtc etc = TrinoEtcRenderer.render(configurations, Role.WORKER, overrides);
        assertThat(load(etc.file("config.properties"))).contains(entry("http-server.http.port", "9090"), entry("shutdown.grace-period", "20s"),
                entry("discovery.uri", "http://10.0.0.1:9090"));
        assertThat(load(etc.file("node.properties"))).containsOnly(entry("node.environment", "lake"), entry("node.data-dir", "/data/trino"), entry("node.id", "w-1"));
        assertThat(load(etc.file("log.properties"))).containsOnly(entry("io.trino", "WARN"), entry("io.trino.execution", "DEBUG"));
        assertThat(etc.file("jvm.config").lines().toList()).startsWith("-Xmx6G").endsWith("-Xss4m", "-XX:+UseZGC");
        assertThat(load(etc.file("spot-watcher.properties"))).contains(entry("watcher.poll-interval", "2s"), entry("watcher.spot.poll-interval", "200ms"),
                entry("watcher.imds.endpoint", "http://127.0.0.1:1338"), entry("watcher.safety-margin", "15s"));
        // not set: rendered at the agent's default, so the file shows what the agent runs with
        assertThat(load(TrinoEtcRenderer.render(TestConfigs.withSecret(TestConfigs.of()), Role.WORKER).file("spot-watcher.properties")))
                .contains(entry("watcher.poll-interval", "5s"), entry("watcher.spot.poll-interval", "250ms"));
        assertThat(etc.files()).doesNotContainKey("exchange-manager.properties");

        // a coordinator's own discovery URI follows its port
        assertThat(load(TrinoEtcRenderer.render(configurations, Role.COORDINATOR).file("config.properties")).getProperty("discovery.uri"))
                .isEqualTo("http://localhost:9090");
    }

    @Test
    void taskRetriesGetAShortRetryDelayUnlessTheFileSetsOne()
            throws Exception
    {
        Configurations exchange = TestConfigs.withSecret(TestConfigs.of("trino-exchange-manager", props("exchange-manager.name", "spot", "exchange.base-directories", "s3://b/x")));
        Configurations task = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "task"),
                "trino-exchange-manager", props("exchange-manager.name", "spot", "exchange.base-directories", "s3://b/x")));
        // a task the watcher fails early would wait Trino's default 10s before anything is rescheduled
        assertThat(load(TrinoEtcRenderer.render(task, Role.COORDINATOR).file("config.properties")).getProperty("retry-initial-delay")).isEqualTo("1s");
        Configurations own = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK", "retry-initial-delay", "5s"),
                "trino-exchange-manager", props("exchange-manager.name", "spot", "exchange.base-directories", "s3://b/x")));
        assertThat(load(TrinoEtcRenderer.render(own, Role.COORDINATOR).file("config.properties")).getProperty("retry-initial-delay")).isEqualTo("5s");
        assertThat(load(TrinoEtcRenderer.render(exchange, Role.COORDINATOR).file("config.properties")).getProperty("retry-initial-delay")).isNull();
    }

    @Test
    void spoolingClustersGetLz4ExchangeCompressionUnlessTheFileSetsOne()
            throws Exception
    {
        Map<String, String> exchange = props("exchange-manager.name", "spot", "exchange.base-directories", "s3://b/x");
        for (String policy : List.of("TASK", "query")) {
            Configurations spooling = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", policy), "trino-exchange-manager", exchange));
            for (Role role : Role.values()) {
                assertThat(load(TrinoEtcRenderer.render(spooling, role).file("config.properties")).getProperty("exchange.compression-codec")).isEqualTo("LZ4");
            }
        }
        Configurations own = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK", "exchange.compression-codec", "ZSTD"),
                "trino-exchange-manager", exchange));
        assertThat(load(TrinoEtcRenderer.render(own, Role.WORKER).file("config.properties")).getProperty("exchange.compression-codec")).isEqualTo("ZSTD");
        Configurations legacyOff = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK", "exchange.compression-enabled", "false"),
                "trino-exchange-manager", exchange));
        assertThat(load(TrinoEtcRenderer.render(legacyOff, Role.WORKER).file("config.properties")).getProperty("exchange.compression-codec")).isEqualTo("NONE");
        // without spooling the pipelined exchange keeps Trino's own default
        Configurations pipelined = TestConfigs.withSecret(TestConfigs.of("trino-config", props("query.max-memory", "1GB")));
        assertThat(load(TrinoEtcRenderer.render(pipelined, Role.WORKER).file("config.properties")).getProperty("exchange.compression-codec")).isNull();
    }

    @Test
    void theCoordinatorOfATaskRetryClusterGetsAPartitionCountForItsWorkersCores()
            throws Exception
    {
        Map<String, String> exchange = props("exchange-manager.name", "spot", "exchange.base-directories", "s3://b/x");
        Configurations six = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK"), "trino-exchange-manager", exchange,
                "trino-spot-fte", props("fte.worker-cores", "6")));
        assertThat(load(TrinoEtcRenderer.render(six, Role.COORDINATOR).file("config.properties")).getProperty("fault-tolerant-execution-max-partition-count")).isEqualTo("12");
        // only the coordinator schedules
        assertThat(load(TrinoEtcRenderer.render(six, Role.WORKER).file("config.properties")).getProperty("fault-tolerant-execution-max-partition-count")).isNull();
        Configurations own = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK", "fault-tolerant-execution-max-partition-count", "20"),
                "trino-exchange-manager", exchange, "trino-spot-fte", props("fte.worker-cores", "6")));
        assertThat(load(TrinoEtcRenderer.render(own, Role.COORDINATOR).file("config.properties")).getProperty("fault-tolerant-execution-max-partition-count")).isEqualTo("20");
        // without the cores Trino's own 50 stays; without task retries there is no such scheduler
        Configurations unsized = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "TASK"), "trino-exchange-manager", exchange));
        assertThat(load(TrinoEtcRenderer.render(unsized, Role.COORDINATOR).file("config.properties")).getProperty("fault-tolerant-execution-max-partition-count")).isNull();
        Configurations query = TestConfigs.withSecret(TestConfigs.of("trino-config", props("retry-policy", "QUERY"), "trino-exchange-manager", exchange,
                "trino-spot-fte", props("fte.worker-cores", "6")));
        assertThat(load(TrinoEtcRenderer.render(query, Role.COORDINATOR).file("config.properties")).getProperty("fault-tolerant-execution-max-partition-count")).isNull();
    }

    @Test
    void jvmConfigStartsThisJdk()
            throws Exception
    {
        Configurations configurations = TestConfigs.withSecret(TestConfigs.of("trino-spot-jvm", props("jvm.heap-size", "64m", "jvm.extra-options", "-Xss2m")));
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(TrinoEtcRenderer.render(configurations, Role.WORKER).file("jvm.config").lines().toList());
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).doesNotContain("Unrecognized", "Error");
    }

    @Test
    void renderingIsDeterministic()
            throws Exception
    {
        assertThat(TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER, NODE)).isEqualTo(TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER, NODE));
    }

    @Test
    void refusesToRenderWithErrors()
    {
        // the AWS blog post's file names no HDFS: fine for EMR, not for a node of ours
        assertThatThrownBy(() -> TrinoEtcRenderer.render(TestConfigs.blog(), Role.WORKER))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("error: [trino-exchange-manager] exchange.use-local-hdfs: no HDFS to resolve /exchange against");
    }

    @Test
    void escapesValuesSoTrinoReadsThemBack()
            throws Exception
    {
        String secret = " lead=ing:#!\\ ünïcode and long enough to be a secret";
        Configurations configurations = TestConfigs.of("trino-config", props("internal-communication.shared-secret", secret),
                "trino-connector-web", props("connector.name", "http", "http.header", "a & <b>"),
                "hdfs-site", props("dfs.client.use.datanode.hostname", "a & <b> \"c\" 'd'"));
        RenderedEtc etc = TrinoEtcRenderer.render(configurations, Role.COORDINATOR);
        assertThat(load(etc.file("config.properties")).getProperty("internal-communication.shared-secret")).isEqualTo(secret);
        assertThat(etc.file("config.properties")).isASCII();
        assertThat(etc.file("hadoop/hdfs-site.xml")).contains("<value>a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;</value>");
    }

    static java.util.Map.Entry<Object, Object> entry(String key, String value)
    {
        return java.util.Map.entry(key, value);
    }
}
