package io.trinospot.harness.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A retry policy with, under QUERY and TASK, the exchange compression codec, e.g. {@code TASK-LZ4}. */
public record FteMode(String retryPolicy, Optional<String> codec)
{
    public static final FteMode NONE = new FteMode("NONE", Optional.empty());

    public FteMode
    {
        requireNonNull(retryPolicy, "retryPolicy is null");
        requireNonNull(codec, "codec is null");
        if (!retryPolicy.matches("NONE|QUERY|TASK")) {
            throw new IllegalArgumentException("Unknown retry policy '" + retryPolicy + "': expected NONE, QUERY or TASK");
        }
        if (retryPolicy.equals("NONE") == codec.isPresent()) {
            throw new IllegalArgumentException("A codec goes with QUERY or TASK only: " + retryPolicy + codec.map(c -> "-" + c).orElse(""));
        }
        codec.ifPresent(name -> {
            if (!name.matches("NONE|LZ4|ZSTD")) {
                throw new IllegalArgumentException("Unknown exchange compression codec '" + name + "': expected NONE, LZ4 or ZSTD");
            }
        });
    }

    /** {@code NONE}, or {@code QUERY-<codec>} / {@code TASK-<codec>}. */
    public static FteMode parse(String text)
    {
        String name = text.trim().toUpperCase(Locale.ROOT);
        int dash = name.indexOf('-');
        if (dash < 0) {
            if (!name.equals("NONE")) {
                throw new IllegalArgumentException("Mode '" + text + "' needs a codec: " + name + "-LZ4, " + name + "-ZSTD or " + name + "-NONE");
            }
            return NONE;
        }
        return new FteMode(name.substring(0, dash), Optional.of(name.substring(dash + 1)));
    }

    public String name()
    {
        return retryPolicy + codec.map(name -> "-" + name).orElse("");
    }

    /** The session properties that select this mode on a cluster whose nodes have {@code retry-policy=TASK}. */
    public Map<String, String> sessionProperties()
    {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("retry_policy", retryPolicy);
        codec.ifPresent(name -> properties.put("exchange_compression_codec", name));
        return properties;
    }

    @Override
    public String toString()
    {
        return name();
    }
}
