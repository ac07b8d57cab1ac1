package io.trinospot.harness;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compares the rows of two runs of the same query as multisets. Doubles may differ in their last bits
 * between runs because parallel aggregation adds in a different order, so they match within a relative
 * 1e-9; every other value must be equal.
 */
public final class ResultComparison
{
    private static final double RELATIVE_TOLERANCE = 1e-9;

    private ResultComparison() {}

    /** Empty when both results hold the same rows; otherwise a description of the first differences. */
    public static Optional<String> differences(QueryResult expected, QueryResult actual)
    {
        if (expected.columns().size() != actual.columns().size()) {
            return Optional.of("column count differs: expected " + expected.columns() + ", got " + actual.columns());
        }
        if (expected.rowCount() != actual.rowCount()) {
            return Optional.of("row count differs: expected " + expected.rowCount() + ", got " + actual.rowCount());
        }
        List<List<Object>> left = sorted(expected.rows());
        List<List<Object>> right = sorted(actual.rows());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < left.size() && problems.size() < 5; i++) {
            if (!rowsMatch(left.get(i), right.get(i))) {
                problems.add("row " + i + ": expected " + left.get(i) + ", got " + right.get(i));
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", problems));
    }

    public static void assertSameRows(QueryResult expected, QueryResult actual)
    {
        differences(expected, actual).ifPresent(problem -> {
            throw new AssertionError("Results differ (" + expected.rowCount() + " rows expected):\n" + problem);
        });
    }

    private static List<List<Object>> sorted(List<List<Object>> rows)
    {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(ResultComparison::sortKey));
        return copy;
    }

    private static String sortKey(List<Object> row)
    {
        StringBuilder key = new StringBuilder();
        for (Object value : row) {
            key.append(switch (value) {
                case null -> "\u0000null";
                case Double number -> String.format(Locale.ROOT, "%.6e", number);
                case BigDecimal decimal -> decimal.stripTrailingZeros().toPlainString();
                default -> value.toString();
            }).append('\u0001');
        }
        return key.toString();
    }

    private static boolean rowsMatch(List<Object> left, List<Object> right)
    {
        for (int i = 0; i < left.size(); i++) {
            if (!valuesMatch(left.get(i), right.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean valuesMatch(Object left, Object right)
    {
        if (left == null || right == null) {
            return left == right;
        }
        if (left instanceof Double a && right instanceof Double b) {
            if (a.equals(b)) {
                return true;
            }
            return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
        }
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        return left.equals(right);
    }
}
