package io.trinospot.config.validate;

import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.watcher.config.WatcherSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys trino-config accepts for a classification are the keys its reader reads: the spot-watcher agent's list,
 * and the {@code @Config} setters of exchange-plugin.
 */
class KnownKeysAgreementTest
{
    /**
     * exchange-plugin's sources. Read as text, not loaded: exchange-plugin's tests use test-harness, which uses this
     * module, so this module cannot depend on exchange-plugin, not even for tests.
     */
    private static final Path EXCHANGE_PLUGIN_SOURCES = Path.of(System.getProperty("trinospot.exchange-plugin.sources", "../exchange-plugin/src/main/java"));
    /** {@code @Config("key")} and the type of the setter it annotates. */
    private static final Pattern CONFIG_SETTER = Pattern.compile(
            "@Config\\(\\s*\"([^\"]+)\"\\s*\\)(?:\\s*@\\w+(?:\\(\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\)|\\([^)\"]*\\))?)*\\s*public\\s+\\w+\\s+set\\w+\\(\\s*([\\w.<>]+)\\s+\\w+\\s*\\)");

    @Test
    void watcherClassificationAcceptsExactlyTheAgentsKeys()
    {
        assertThat(KnownKeys.listed(Classifications.SPOT_WATCHER)).isEqualTo(WatcherSettings.keys());
        assertThat(KnownKeys.isClosed(Classifications.SPOT_WATCHER)).isTrue();
    }

    @Test
    void renderWritesEveryAgentDefaultAndNoOtherKey()
            throws Exception
    {
        String rendered = TrinoEtcRenderer.render(new Configurations(java.util.List.of()), Role.WORKER).file("spot-watcher.properties");
        java.util.Properties properties = new java.util.Properties();
        properties.load(new java.io.StringReader(rendered));
        assertThat(properties.stringPropertyNames()).isEqualTo(WatcherSettings.defaults().keySet())
                .isSubsetOf(WatcherSettings.keys());
    }

    @Test
    void exchangeManagerKnowsEveryKeyOfThePluginsConfigClasses()
            throws IOException
    {
        assertThat(KnownKeys.pluginKeys(Classifications.EXCHANGE_MANAGER)).isEqualTo(configKeys("io/trinospot/exchange").keySet());
    }

    @Test
    void nodeRefreshKnowsEveryKeyOfTheListenersConfigClass()
            throws IOException
    {
        assertThat(KnownKeys.pluginKeys(Classifications.SPOT_NODE_REFRESH)).isEqualTo(configKeys("io/trinospot/noderefresh").keySet());
    }

    @Test
    void pluginKeysAreCheckedWithTheTypeTheirSetterTakes()
            throws IOException
    {
        Map<String, String> javaTypes = new TreeMap<>(configKeys("io/trinospot/exchange"));
        javaTypes.putAll(configKeys("io/trinospot/noderefresh"));
        Map<String, String> classification = new LinkedHashMap<>();
        KnownKeys.pluginKeys(Classifications.EXCHANGE_MANAGER).forEach(key -> classification.put(key, Classifications.EXCHANGE_MANAGER));
        KnownKeys.pluginKeys(Classifications.SPOT_NODE_REFRESH).forEach(key -> classification.put(key, Classifications.SPOT_NODE_REFRESH));
        assertThat(classification.keySet()).as("keys trino-config checks").containsAll(javaTypes.keySet());
        javaTypes.forEach((key, javaType) -> {
            KeyType expected = switch (javaType) {
                case "Duration" -> KeyType.DURATION;
                case "DataSize" -> KeyType.DATA_SIZE;
                case "boolean", "Boolean" -> KeyType.BOOLEAN;
                case "int", "Integer" -> KeyType.POSITIVE_INTEGER;
                case "String" -> KeyType.TEXT;
                default -> throw new AssertionError(key + ": no KeyType for a setter taking " + javaType);
            };
            assertThat(KnownKeys.type(classification.get(key), key)).as(key).contains(expected);
        });
    }

    /** Every {@code @Config} key under a package of exchange-plugin, with the type its setter takes. */
    private static Map<String, String> configKeys(String packagePath)
            throws IOException
    {
        Path directory = EXCHANGE_PLUGIN_SOURCES.resolve(packagePath);
        assertThat(directory).as("exchange-plugin sources").isDirectory();
        Map<String, String> keys = new TreeMap<>();
        Set<Path> withConfig = new TreeSet<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                int annotations = countOf(source, "@Config(");
                Matcher matcher = CONFIG_SETTER.matcher(source);
                int matched = 0;
                while (matcher.find()) {
                    keys.put(matcher.group(1), matcher.group(2).replaceFirst(".*\\.", ""));
                    matched++;
                }
                // a @Config this test cannot read (a constant for the key, say) must not go unchecked
                assertThat(matched).as("@Config setters read in " + file).isEqualTo(annotations);
                if (annotations > 0) {
                    withConfig.add(file);
                }
            }
        }
        assertThat(withConfig).as("config classes under " + directory).isNotEmpty();
        return keys;
    }

    private static int countOf(String text, String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
