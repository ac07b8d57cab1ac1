package io.trinospot.config;

import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;
import io.trinospot.config.model.PropertyOverride;

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
    /** A shared secret as render requires one: 64 hex characters, as openssl rand -hex 32 prints. */
    public static final String SHARED_SECRET = "3f1c9a7e5b2d4086a1e7c3b9d5f20468e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1";
    public static final PropertyOverride SECRET = new PropertyOverride("trino-config", "internal-communication.shared-secret", SHARED_SECRET);

    private TestConfigs() {}

    /** The configurations with the shared secret every rendered cluster needs. */
    public static Configurations withSecret(Configurations configurations)
    {
        return SECRET.applyTo(configurations);
    }

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
