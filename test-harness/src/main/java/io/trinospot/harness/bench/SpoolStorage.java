package io.trinospot.harness.bench;

import io.trinospot.harness.ExchangeKind;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Where a benchmark cluster spools; the exchange manager is per cluster, so one cluster per storage. */
public enum SpoolStorage
{
    LOCAL("local", ExchangeKind.LOCAL, "Trino's filesystem exchange on a local directory", "NONE", "QUERY-LZ4", "TASK-LZ4"),
    SPOT_LOCAL("spot-local", ExchangeKind.SPOT_LOCAL, "spot exchange on a local directory", "NONE", "TASK-LZ4"),
    HDFS("hdfs", ExchangeKind.HDFS, "spot exchange on HDFS", "NONE", "TASK-NONE", "TASK-LZ4", "TASK-ZSTD"),
    S3("s3", ExchangeKind.SPOT_S3, "spot exchange on S3 (s3proxy)", "NONE", "TASK-LZ4");

    private final String label;
    private final ExchangeKind exchange;
    private final String description;
    private final List<FteMode> modes;

    SpoolStorage(String label, ExchangeKind exchange, String description, String... modes)
    {
        this.label = label;
        this.exchange = exchange;
        this.description = description;
        this.modes = Stream.of(modes).map(FteMode::parse).toList();
    }

    public String label()
    {
        return label;
    }

    public ExchangeKind exchange()
    {
        return exchange;
    }

    public String description()
    {
        return description;
    }

    /** The modes this storage runs, NONE first; {@code selected} narrows them (empty: all), NONE always stays. */
    public List<FteMode> modes(Set<FteMode> selected)
    {
        return modes.stream()
                .filter(mode -> mode.equals(FteMode.NONE) || selected.isEmpty() || selected.contains(mode))
                .toList();
    }

    public static SpoolStorage parse(String text)
    {
        String label = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(storage -> storage.label.equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown storage '" + text + "': expected one of "
                        + Arrays.stream(values()).map(SpoolStorage::label).toList()));
    }
}
