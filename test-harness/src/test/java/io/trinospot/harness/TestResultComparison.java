package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestResultComparison
{
    private static QueryResult result(Object... values)
    {
        List<List<Object>> rows = new ArrayList<>();
        for (Object value : values) {
            List<Object> row = new ArrayList<>();
            row.add(QueryResult.normalize(value));
            rows.add(row);
        }
        return new QueryResult(List.of("c"), rows, Duration.ZERO, "q");
    }

    @Test
    void varbinaryComparesByContent()
    {
        // two reads of the same varbinary value are two different arrays
        assertThat(ResultComparison.differences(result(new byte[] {1, 2, 3}), result(new byte[] {1, 2, 3}))).isEmpty();
        assertThat(ResultComparison.differences(result(new byte[] {1, 2, 3}), result(new byte[] {1, 2, 4}))).isPresent();
    }

    @Test
    void rowsAreAMultiset()
    {
        assertThat(ResultComparison.differences(result(1, 2, 2), result(2, 1, 2))).isEmpty();
        assertThat(ResultComparison.differences(result(1, 2, 2), result(1, 1, 2))).isPresent();
    }

    @Test
    void doublesMayDifferInTheirLastBits()
    {
        assertThat(ResultComparison.differences(result(0.1 + 0.2), result(0.3))).isEmpty();
        assertThat(ResultComparison.differences(result(0.3), result(0.3001))).isPresent();
    }
}
