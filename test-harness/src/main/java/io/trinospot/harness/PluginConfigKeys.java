package io.trinospot.harness;

import io.trinospot.config.validate.KeyType;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * trino-config validates and renders a plugin's classification with its own list of the plugin's keys; a plugin's
 * tests hold that list against the plugin's compiled {@code @Config} setters with this.
 */
public final class PluginConfigKeys
{
    // By name: the harness does not depend on Airlift's configuration library, the plugins do.
    private static final String CONFIG_ANNOTATION = "io.airlift.configuration.Config";

    private PluginConfigKeys() {}

    /** Every {@code @Config} key of the compiled classes under the packages, with the type its setter takes. */
    public static Map<String, Class<?>> configSetters(Class<?> anyClassOfThePlugin, String... packagePaths)
            throws Exception
    {
        Path root = Path.of(anyClassOfThePlugin.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Class<?>> keys = new TreeMap<>();
        for (String packagePath : packagePaths) {
            try (Stream<Path> files = Files.walk(root.resolve(packagePath))) {
                for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                    String name = root.relativize(file).toString().replace('/', '.').replaceFirst("\\.class$", "");
                    for (Method method : Class.forName(name, false, anyClassOfThePlugin.getClassLoader()).getDeclaredMethods()) {
                        for (Annotation annotation : method.getAnnotations()) {
                            if (annotation.annotationType().getName().equals(CONFIG_ANNOTATION)) {
                                if (method.getParameterCount() != 1) {
                                    throw new IllegalStateException(name + "." + method.getName() + " is a @Config setter with " + method.getParameterCount() + " parameters");
                                }
                                keys.put((String) annotation.annotationType().getMethod("value").invoke(annotation), method.getParameterTypes()[0]);
                            }
                        }
                    }
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("no @Config setters under " + String.join(", ", packagePaths) + " in " + root);
        }
        return keys;
    }

    /** The type trino-config must check a key as, from the type its setter takes. */
    public static KeyType keyType(String key, Class<?> setterType)
    {
        return switch (setterType.getSimpleName()) {
            case "Duration" -> KeyType.DURATION;
            case "DataSize" -> KeyType.DATA_SIZE;
            case "boolean", "Boolean" -> KeyType.BOOLEAN;
            case "int", "Integer" -> KeyType.POSITIVE_INTEGER;
            case "String" -> KeyType.TEXT;
            default -> throw new IllegalStateException(key + ": no KeyType for a setter taking " + setterType.getName());
        };
    }
}
