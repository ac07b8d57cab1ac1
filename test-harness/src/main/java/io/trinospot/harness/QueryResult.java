package io.trinospot.harness;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The rows of one query, with values normalised to plain Java types, and how long it took. */
public record QueryResult(List<String> columns, List<List<Object>> rows, Duration wallTime, String queryId)
{
    public QueryResult
    {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        requireNonNull(wallTime, "wallTime is null");
        requireNonNull(queryId, "queryId is null");
    }

    public static QueryResult run(Statement statement, String sql)
            throws SQLException
    {
        long start = System.nanoTime();
        String queryId = "";
        if (!statement.execute(sql)) {
            // DDL and the like: no rows, just the update count (if any) as the single value
            long count = statement.getLargeUpdateCount();
            return new QueryResult(List.of("rows"), count < 0 ? List.of() : List.of(List.of(count)), Duration.ofNanos(System.nanoTime() - start), queryId);
        }
        try (ResultSet resultSet = statement.getResultSet()) {
            ResultSetMetaData metaData = resultSet.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= metaData.getColumnCount(); i++) {
                columns.add(metaData.getColumnLabel(i));
            }
            List<List<Object>> rows = new ArrayList<>();
            while (resultSet.next()) {
                List<Object> row = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(normalize(resultSet.getObject(i)));
                }
                rows.add(Collections.unmodifiableList(row));
            }
            if (resultSet.isWrapperFor(io.trino.jdbc.TrinoResultSet.class)) {
                queryId = resultSet.unwrap(io.trino.jdbc.TrinoResultSet.class).getQueryId();
            }
            return new QueryResult(columns, rows, Duration.ofNanos(System.nanoTime() - start), queryId);
        }
    }

    static Object normalize(Object value)
    {
        return switch (value) {
            case null -> null;
            case java.sql.Date date -> date.toLocalDate();
            case java.sql.Timestamp timestamp -> timestamp.toLocalDateTime();
            case BigDecimal decimal -> decimal;
            case Float number -> number.doubleValue();
            case Byte number -> number.longValue();
            case Short number -> number.longValue();
            case Integer number -> number.longValue();
            // arrays compare by identity; a list of bytes compares (and prints) by content
            case byte[] bytes -> java.util.stream.IntStream.range(0, bytes.length).mapToObj(i -> bytes[i]).toList();
            default -> value;
        };
    }

    public int rowCount()
    {
        return rows.size();
    }

    /** The single value of a one-row, one-column result. */
    public Object onlyValue()
    {
        if (rows.size() != 1 || columns.size() != 1) {
            throw new IllegalStateException("Expected one value, got " + rows.size() + " rows of " + columns.size() + " columns");
        }
        return rows.getFirst().getFirst();
    }
}
