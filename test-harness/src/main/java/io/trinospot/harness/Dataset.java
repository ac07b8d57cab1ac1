package io.trinospot.harness;

import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A set of benchmark tables to copy from a generator connector ({@code tpcds}, {@code tpch}) into the lake.
 * Generator splits are pinned to one worker; lake copies can be read by any worker, which is what makes
 * a lost worker's tasks movable.
 */
public record Dataset(String benchmark, String scale, List<String> tables)
{
    /** Tables of TPC-DS q39 (the AWS blog post's query). */
    public static final List<String> TPCDS_Q39_TABLES = List.of("inventory", "item", "warehouse", "date_dim");
    /** Every table the benchmark's TPC-DS set reads. */
    public static final List<String> TPCDS_BENCHMARK_TABLES = List.of(
            "inventory", "item", "warehouse", "date_dim", "store_sales", "store", "customer", "customer_address",
            "customer_demographics", "household_demographics", "promotion", "time_dim", "catalog_sales", "web_sales");
    /** Every TPC-H table: the 22 queries read all eight. */
    public static final List<String> TPCH_TABLES = List.of("lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region");

    public Dataset
    {
        requireNonNull(benchmark, "benchmark is null");
        requireNonNull(scale, "scale is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        if (!benchmark.equals("tpcds") && !benchmark.equals("tpch")) {
            throw new IllegalArgumentException("Unknown benchmark '" + benchmark + "': expected tpcds or tpch");
        }
        if (!scale.matches("tiny|sf[0-9]+")) {
            throw new IllegalArgumentException("Unknown scale '" + scale + "': expected tiny or sf<N>");
        }
        if (tables.isEmpty() || tables.stream().anyMatch(table -> !table.matches("[a-z_]+"))) {
            throw new IllegalArgumentException("Bad table list: " + tables);
        }
    }

    public static Dataset tpcds(String scale, List<String> tables)
    {
        return new Dataset("tpcds", scale.toLowerCase(Locale.ROOT), tables);
    }

    /** All TPC-H tables at {@code scale} ({@code tiny}, {@code sf1}, ...). */
    public static Dataset tpch(String scale)
    {
        return new Dataset("tpch", scale.toLowerCase(Locale.ROOT), TPCH_TABLES);
    }

    /** Schema name in the lake catalog, e.g. {@code tpcds_sf1}. */
    public String lakeSchema()
    {
        return benchmark + "_" + scale;
    }

    /** Fully qualified source schema, e.g. {@code tpcds.sf1}. */
    public String sourceSchema()
    {
        return benchmark + "." + scale;
    }

    /** Fully qualified lake schema, e.g. {@code lake.tpcds_sf1}. */
    public String qualifiedLakeSchema()
    {
        return Lake.CATALOG + "." + lakeSchema();
    }
}
