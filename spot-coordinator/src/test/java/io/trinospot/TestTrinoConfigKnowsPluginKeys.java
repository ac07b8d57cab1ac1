package io.trinospot;

import io.airlift.configuration.Config;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.validate.KeyType;
import io.trinospot.config.validate.KnownKeys;
import io.trinospot.noderefresh.NodeRefreshConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trino-config validates and renders the spot-node-refresh classification (the listener's file and the node-state
 * catalog) with a list of this plugin's keys; that list must be exactly the plugin's {@code @Config} setters, each checked as the type it takes. Lives here because
 * this module's tests see both sides (trino-config comes with the harness).
 */
class TestTrinoConfigKnowsPluginKeys
{
    @Test
    void nodeRefreshClassificationKnowsExactlyTheListenersKeys()
            throws Exception
    {
        assertThat(KnownKeys.pluginKeys(Classifications.SPOT_NODE_REFRESH)).isEqualTo(union(configSetters("io/trinospot/noderefresh"), configSetters("io/trinospot/nodestate")).keySet());
    }

    @Test
    void eachKeyIsCheckedAsTheTypeItsSetterTakes()
            throws Exception
    {
        check(Classifications.SPOT_NODE_REFRESH, union(configSetters("io/trinospot/noderefresh"), configSetters("io/trinospot/nodestate")));
    }

    private static void check(String classification, Map<String, Class<?>> setters)
    {
        setters.forEach((key, type) -> {
            KeyType expected = switch (type.getSimpleName()) {
                case "Duration" -> KeyType.DURATION;
                case "DataSize" -> KeyType.DATA_SIZE;
                case "boolean", "Boolean" -> KeyType.BOOLEAN;
                case "int", "Integer" -> KeyType.POSITIVE_INTEGER;
                case "String" -> KeyType.TEXT;
                default -> throw new AssertionError(key + ": no KeyType for a setter taking " + type.getName());
            };
            assertThat(KnownKeys.type(classification, key)).as(key).contains(expected);
        });
    }

    /** Every {@code @Config} key of the compiled classes under one package of this plugin, with its setter's type. */
    private static Map<String, Class<?>> configSetters(String packagePath)
            throws Exception
    {
        Path root = classesRoot();
        Map<String, Class<?>> keys = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root.resolve(packagePath))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceFirst("\\.class$", "");
                for (Method method : Class.forName(name, false, NodeRefreshConfig.class.getClassLoader()).getDeclaredMethods()) {
                    Config config = method.getAnnotation(Config.class);
                    if (config != null) {
                        assertThat(method.getParameterCount()).as(name + "." + method.getName()).isOne();
                        keys.put(config.value(), method.getParameterTypes()[0]);
                    }
                }
            }
        }
        assertThat(keys).as("@Config setters under " + packagePath).isNotEmpty();
        return keys;
    }

    private static Map<String, Class<?>> union(Map<String, Class<?>> first, Map<String, Class<?>> second)
    {
        Map<String, Class<?>> union = new TreeMap<>(first);
        union.putAll(second);
        return union;
    }

    private static Path classesRoot()
            throws URISyntaxException
    {
        return Path.of(NodeRefreshConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
