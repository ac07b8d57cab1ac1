package io.trinospot.config;

import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.Rendering;
import io.trinospot.config.render.TrinoEtcRenderer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static io.trinospot.config.TestConfigs.lines;
import static io.trinospot.config.TestConfigs.props;
import static org.assertj.core.api.Assertions.assertThat;

/** One row per legacy or EMR-only key: the note it prints and the file it ends up as. */
class LegacyKeysTest
{
    static final String HDFS = "core-site";

    record Case(String name, Configurations configurations, String note, String file, Map<String, String> expected, List<String> absent)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static Stream<Case> legacyKeys()
    {
        Map<String, String> hdfs = props("fs.defaultFS", "hdfs://namenode:8020");
        return Stream.of(
                new Case("compression enabled",
                        TestConfigs.of("trino-config", props("exchange.compression-enabled", "true")),
                        "note: [trino-config] exchange.compression-enabled: deprecated in Trino 483; rendered as exchange.compression-codec=LZ4",
                        "config.properties", Map.of("exchange.compression-codec", "LZ4"), List.of("exchange.compression-enabled")),
                new Case("compression enabled, upper case",
                        TestConfigs.of("trino-config", props("exchange.compression-enabled", "TRUE")),
                        "note: [trino-config] exchange.compression-enabled: deprecated in Trino 483; rendered as exchange.compression-codec=LZ4",
                        "config.properties", Map.of("exchange.compression-codec", "LZ4"), List.of("exchange.compression-enabled")),
                new Case("compression disabled",
                        TestConfigs.of("trino-config", props("exchange.compression-enabled", "false")),
                        "note: [trino-config] exchange.compression-enabled: deprecated in Trino 483; rendered as exchange.compression-codec=NONE",
                        "config.properties", Map.of("exchange.compression-codec", "NONE"), List.of("exchange.compression-enabled")),
                new Case("singular base directory",
                        TestConfigs.of("trino-exchange-manager", props("exchange-manager.name", "spot", "exchange.base-directory", "s3://bucket/exchange")),
                        "note: [trino-exchange-manager] exchange.base-directory: legacy name; rendered as exchange.base-directories",
                        "exchange-manager.properties", Map.of("exchange.base-directories", "s3://bucket/exchange", "exchange-manager.name", "spot"),
                        List.of("exchange.base-directory")),
                new Case("use-local-hdfs without a manager name",
                        TestConfigs.of("trino-exchange-manager", props("exchange.base-directories", "/exchange", "exchange.use-local-hdfs", "true"), HDFS, hdfs),
                        "note: [trino-exchange-manager] exchange.use-local-hdfs: EMR's HDFS exchange; rendered for our exchange plugin (exchange-manager.name=spot), "
                                + "which resolves exchange.base-directories against fs.defaultFS",
                        "exchange-manager.properties",
                        Map.of("exchange-manager.name", "spot", "exchange.base-directories", "/exchange", "exchange.use-local-hdfs", "true"), List.of()),
                new Case("use-local-hdfs with Trino's filesystem manager",
                        TestConfigs.of("trino-exchange-manager", props("exchange-manager.name", "filesystem", "exchange.base-directories", "/exchange",
                                "exchange.use-local-hdfs", "true"), HDFS, hdfs),
                        "note: [trino-exchange-manager] exchange-manager.name: Trino's 'filesystem' exchange manager has no exchange.use-local-hdfs; "
                                + "rendered as exchange-manager.name=spot",
                        "exchange-manager.properties", Map.of("exchange-manager.name", "spot"), List.of()),
                new Case("use-local-hdfs with the singular base directory",
                        TestConfigs.of("trino-exchange-manager", props("exchange.base-directory", "/exchange", "exchange.use-local-hdfs", "true"), HDFS, hdfs),
                        "note: [trino-exchange-manager] exchange.base-directory: legacy name; rendered as exchange.base-directories",
                        "exchange-manager.properties", Map.of("exchange-manager.name", "spot", "exchange.base-directories", "/exchange"),
                        List.of("exchange.base-directory")),
                new Case("exchange manager without a name (EMR picks one)",
                        TestConfigs.of("trino-exchange-manager", props("exchange.base-directories", "s3://bucket/exchange")),
                        "note: [trino-exchange-manager] exchange-manager.name: not set (EMR picks its own); rendered as exchange-manager.name=spot",
                        "exchange-manager.properties", Map.of("exchange-manager.name", "spot"), List.of()),
                // the AWS blog post's file has it; Trino 483 refuses to start with it (seen on a harness node)
                new Case("defunct low-memory killer delay",
                        TestConfigs.of("trino-config", props("query.low-memory-killer.delay", "0s", "retry-policy", "NONE")),
                        "note: [trino-config] query.low-memory-killer.delay: defunct in Trino 483 (a server with it does not start); left out: "
                                + "Trino's low-memory killer no longer waits before it acts, which is what 0s asked for",
                        "config.properties", Map.of("retry-policy", "NONE"), List.of("query.low-memory-killer.delay")),
                // Trino 483's exchange managers refuse it ("Defunct property"); the engine's key is in config.properties
                new Case("exchange encryption, the exchange manager's side",
                        TestConfigs.of("trino-exchange-manager", props("exchange.base-directories", "s3://bucket/exchange", "exchange.encryption-enabled", "false")),
                        "note: [trino-exchange-manager] exchange.encryption-enabled: defunct in Trino 483 (an exchange manager with it does not start); "
                                + "rendered in config.properties as fault-tolerant-execution.exchange-encryption-enabled=false",
                        "exchange-manager.properties", Map.of("exchange.base-directories", "s3://bucket/exchange"), List.of("exchange.encryption-enabled")),
                new Case("exchange encryption, config.properties",
                        TestConfigs.of("trino-exchange-manager", props("exchange.base-directories", "s3://bucket/exchange", "exchange.encryption-enabled", "false")),
                        "note: [trino-exchange-manager] exchange.encryption-enabled: defunct in Trino 483 (an exchange manager with it does not start); "
                                + "rendered in config.properties as fault-tolerant-execution.exchange-encryption-enabled=false",
                        "config.properties", Map.of("fault-tolerant-execution.exchange-encryption-enabled", "false"), List.of("exchange.encryption-enabled")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legacyKeys")
    void translates(Case legacy)
            throws Exception
    {
        Configurations configurations = TestConfigs.withSecret(legacy.configurations().withProperty("trino-config", "discovery.uri", "http://coordinator:8080"));
        for (Role role : Role.values()) {
            Rendering rendering = TrinoEtcRenderer.renderWithReport(configurations, role, List.of());
            assertThat(lines(rendering.problems())).contains(legacy.note());
            Properties rendered = load(rendering.etc().file(legacy.file()));
            legacy.expected().forEach((key, value) -> assertThat(rendered.getProperty(key)).as(key).isEqualTo(value));
            legacy.absent().forEach(key -> assertThat(rendered.stringPropertyNames()).doesNotContain(key));
        }
    }

    static Properties load(String content)
            throws IOException
    {
        Properties properties = new Properties();
        properties.load(new StringReader(content));
        return properties;
    }
}
