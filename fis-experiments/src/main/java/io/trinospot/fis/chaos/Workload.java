package io.trinospot.fis.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** What a chaos run keeps running while its fault is injected. */
public enum Workload
{
    /** TPC-DS q39 on the lake: a read, checked row for row against its fault-free rows. */
    Q39("q39"),
    /**
     * The ETL write ({@code LakeWrite}, few token rounds so it is short): checked by row count, checksum and no
     * leftover files against the fault-free run of its SELECT.
     */
    ETL("etl");

    private final String label;

    Workload(String label)
    {
        this.label = requireNonNull(label, "label is null");
    }

    public String label()
    {
        return label;
    }

    public static Workload parse(String label)
    {
        String wanted = label.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(workload -> workload.label.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels()
    {
        return Arrays.stream(values()).map(Workload::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString()
    {
        return label;
    }
}
