package io.trinospot.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Benchmark queries shipped with the harness, with their schema filled in. */
public final class Queries
{
    private Queries() {}

    /** TPC-DS q39, the query of the AWS blog post, reading from {@code schema} (e.g. {@code tpcds.sf1}). */
    public static String tpcdsQ39(String schema)
    {
        return load("tpcds-q39.sql", schema);
    }

    public static String load(String name, String schema)
    {
        if (!schema.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Schema must be catalog.schema: " + schema);
        }
        try (InputStream in = Queries.class.getResourceAsStream("queries/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No query resource " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines()
                    .filter(line -> !line.startsWith("--"))
                    .reduce((a, b) -> a + "\n" + b)
                    .orElseThrow()
                    .replace("${schema}", schema);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
