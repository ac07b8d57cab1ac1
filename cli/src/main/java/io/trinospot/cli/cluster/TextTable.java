package io.trinospot.cli.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Renders rows as an aligned text table, like the Trino CLI's ALIGNED format. */
public final class TextTable
{
    private TextTable() {}

    public static String render(List<String> columns, List<? extends List<?>> rows)
    {
        int[] widths = new int[columns.size()];
        List<List<String>> cells = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
        }
        for (List<?> row : rows) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                String text = i < row.size() ? Objects.toString(row.get(i), "NULL") : "";
                widths[i] = Math.max(widths[i], text.length());
                texts.add(text);
            }
            cells.add(texts);
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, columns, widths);
        for (int i = 0; i < widths.length; i++) {
            out.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.append('\n');
        cells.forEach(row -> appendRow(out, row, widths));
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> row, int[] widths)
    {
        for (int i = 0; i < widths.length; i++) {
            out.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, widths[i]) + "s", row.get(i)));
        }
        out.append('\n');
    }
}
