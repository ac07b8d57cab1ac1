package io.trinospot.harness.bench;

import io.trinospot.harness.Dataset;
import io.trinospot.harness.Queries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The benchmark's query sets. TPC-H: the 22 queries as {@code io.trino.tpch:tpch} ships them (unqualified table
 * names, run in the lake schema). TPC-DS: no artifact on Maven Central ships the 99 queries (Trino's
 * trino-benchto-benchmarks is not deployed), so the set is a subset the harness carries, chosen by this rule: every
 * fact table the sf1 copy can hold here (inventory, store, catalog and web sales), and for each shape of work that
 * decides what the spool costs one query, the simplest of the queries of that shape: a narrow star-join aggregation
 * (q3), a five-way join (q7), a join through the 100,000-row customer table (q19), grouping sets (q27, q22), a
 * group-by as wide as the fact table's tickets (q34), a self-join of two aggregations (q39, the AWS blog post's
 * query; q65 on store sales), a join with conditional aggregation (q21), three fact tables in a union (q56), a
 * selective join ending in one row (q96) and a window over an aggregation (q98). Every query with a {@code LIMIT}
 * orders by all its output columns, so each mode returns the same rows.
 */
public final class BenchmarkQueries
{
    public static final List<String> TPCDS_QUERIES = List.of(
            "q3", "q7", "q19", "q21", "q22", "q27", "q34", "q39", "q56", "q65", "q96", "q98");
    public static final Dataset TPCDS = Dataset.tpcds("sf1", Dataset.TPCDS_BENCHMARK_TABLES);

    private BenchmarkQueries() {}

    /**
     * Queries named by {@code selection}: comma-separated {@code tpch} or {@code tpcds} (the whole set), or
     * {@code set:name} ({@code tpch:q1}); a bare name continues the set named before it ({@code tpch:q1,q3,q6}).
     */
    public static List<BenchmarkQuery> select(String selection, String tpchScale)
    {
        Map<String, BenchmarkQuery> selected = new LinkedHashMap<>();
        String set = null;
        for (String token : selection.split(",")) {
            String name = token.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("tpch") || name.equals("tpcds")) {
                set = name;
                all(name, tpchScale).forEach(query -> selected.put(query.id(), query));
                continue;
            }
            int colon = name.indexOf(':');
            if (colon >= 0) {
                set = name.substring(0, colon);
                name = name.substring(colon + 1);
            }
            if (set == null) {
                throw new IllegalArgumentException("Query '" + name + "' names no set: write tpch:" + name + " or tpcds:" + name);
            }
            BenchmarkQuery query = one(set, name, tpchScale);
            selected.put(query.id(), query);
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("No query selected by '" + selection + "'");
        }
        return List.copyOf(selected.values());
    }

    public static List<BenchmarkQuery> all(String set, String tpchScale)
    {
        return switch (set) {
            case "tpch" -> IntStream.rangeClosed(1, 22).mapToObj(number -> tpch(number, tpchScale)).toList();
            case "tpcds" -> TPCDS_QUERIES.stream().map(BenchmarkQueries::tpcds).toList();
            default -> throw new IllegalArgumentException("Unknown query set '" + set + "': expected tpch or tpcds");
        };
    }

    private static BenchmarkQuery one(String set, String name, String tpchScale)
    {
        return switch (set) {
            case "tpch" -> {
                if (!name.matches("q([1-9]|1[0-9]|2[0-2])")) {
                    throw new IllegalArgumentException("Unknown TPC-H query '" + name + "': expected q1 to q22");
                }
                yield tpch(Integer.parseInt(name.substring(1)), tpchScale);
            }
            case "tpcds" -> {
                if (!TPCDS_QUERIES.contains(name)) {
                    throw new IllegalArgumentException("Unknown TPC-DS query '" + name + "': expected one of " + TPCDS_QUERIES);
                }
                yield tpcds(name);
            }
            default -> throw new IllegalArgumentException("Unknown query set '" + set + "': expected tpch or tpcds");
        };
    }

    public static BenchmarkQuery tpch(int number, String scale)
    {
        String resource = "/io/trino/tpch/queries/q" + number + ".sql";
        try (InputStream in = BenchmarkQueries.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No " + resource + " on the class path: io.trino.tpch:tpch is missing");
            }
            return parse("tpch:q" + number, Dataset.tpch(scale), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BenchmarkQuery tpcds(String name)
    {
        return new BenchmarkQuery("tpcds:" + name, TPCDS, List.of(), Queries.load("tpcds-" + name + ".sql", TPCDS.qualifiedLakeSchema()));
    }

    /** Comment lines dropped; every statement but the last is set-up. */
    static BenchmarkQuery parse(String id, Dataset dataset, String text)
    {
        String code = String.join("\n", text.lines().filter(line -> !line.trim().startsWith("--")).toList());
        List<String> statements = new ArrayList<>(Arrays.stream(code.split(";\\s*(\n|$)"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .toList());
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("No statement in " + id);
        }
        String sql = statements.removeLast();
        return new BenchmarkQuery(id, dataset, statements, sql);
    }
}
