package io.trinospot.harness.bench;

import io.trinospot.harness.Dataset;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One benchmark query: statements to run once per cluster before it (TPC-H q15 defines a view), and the query itself,
 * run with the connection's schema set to {@code dataset}'s lake schema.
 */
public record BenchmarkQuery(String id, Dataset dataset, List<String> setup, String sql)
{
    public BenchmarkQuery
    {
        requireNonNull(id, "id is null");
        requireNonNull(dataset, "dataset is null");
        setup = List.copyOf(requireNonNull(setup, "setup is null"));
        requireNonNull(sql, "sql is null");
    }
}
