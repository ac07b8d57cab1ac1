package io.trinospot.config;

import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for configurations in tests. */
public final class TestConfigs
{
    private TestConfigs() {}

    /** {@code of("trino-config", props("k", "v"), "trino-node", props(...))}. */
    public static Configurations of(Object... nameAndProperties)
    {
        List<Classification> list = new ArrayList<>();
        for (int i = 0; i < nameAndProperties.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, String> properties = (Map<String, String>) nameAndProperties[i + 1];
            list.add(new Classification((String) nameAndProperties[i], properties));
        }
        return new Configurations(list);
    }

    public static Map<String, String> props(String... keysAndValues)
    {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    public static byte[] resource(String name)
    {
        try (InputStream in = TestConfigs.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Configurations blog()
    {
        try {
            return ConfigurationsParser.parse(resource("blog-configurations.json"));
        }
        catch (InvalidConfigurationException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    public static List<String> lines(List<Problem> problems)
    {
        return problems.stream().map(Problem::line).toList();
    }
}
