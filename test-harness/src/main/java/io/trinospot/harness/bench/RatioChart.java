package io.trinospot.harness.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A horizontal bar chart as SVG text: per query one bar per series (storage and mode), the length its wall ratio to
 * NONE, with a line at 1.0. Plain SVG elements only, so any browser or Markdown viewer shows it.
 */
public final class RatioChart
{
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};
    private static final int LEFT = 110;
    private static final int PLOT_WIDTH = 560;
    private static final int TOP = 52;
    private static final int BAR = 9;
    private static final int GROUP_GAP = 8;
    private static final int LEGEND_ROW = 16;

    private RatioChart() {}

    /**
     * {@code subtitle}: a second, smaller line (the run's commit and load). {@code ratios}: per series label, the wall
     * ratio of each query; a query without a ratio in a series gets no bar.
     */
    public static String svg(String title, String subtitle, List<String> queries, Map<String, Map<String, Double>> ratios)
    {
        List<String> series = List.copyOf(ratios.keySet());
        double max = ratios.values().stream().flatMap(byQuery -> byQuery.values().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        // at least 1.5 so that the 1.0 line never sits at the edge; whole steps so the grid labels stay round
        double reach = Math.max(1.5, max);
        double step = reach <= 3 ? 0.25 : reach <= 6 ? 0.5 : 1;
        double scaleMax = Math.ceil(reach / step - 1e-9) * step;
        int groupHeight = Math.max(1, series.size()) * BAR + GROUP_GAP;
        int plotHeight = queries.size() * groupHeight;
        int legendTop = TOP + plotHeight + 30;
        int height = legendTop + series.size() * LEGEND_ROW + 10;
        int width = LEFT + PLOT_WIDTH + 60;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"34\" font-size=\"10\" fill=\"#555\">%s</text>%n", escape(subtitle)));
        for (int tick = 0; tick * step <= scaleMax + 1e-9; tick++) {
            double value = tick * step;
            double x = LEFT + value / scaleMax * PLOT_WIDTH;
            boolean one = Math.abs(value - 1) < 1e-9;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
                    x, TOP - 4, x, TOP + plotHeight, one ? "#333" : "#ddd", one ? "1.5" : "1"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s×</text>%n",
                    x, TOP + plotHeight + 14, trim(value)));
        }
        for (int row = 0; row < queries.size(); row++) {
            String query = queries.get(row);
            int groupTop = TOP + row * groupHeight;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, groupTop + groupHeight / 2 + 3, escape(query)));
            for (int index = 0; index < series.size(); index++) {
                Double ratio = ratios.get(series.get(index)).get(query);
                if (ratio == null) {
                    continue;
                }
                double length = Math.min(ratio, scaleMax) / scaleMax * PLOT_WIDTH;
                int y = groupTop + index * BAR;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s: %.2f×</title></rect>%n",
                        LEFT, y, length, BAR - 1, COLORS[index % COLORS.length], escape(query), escape(series.get(index)), ratio));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"8\" fill=\"#333\">%.2f</text>%n",
                        LEFT + length + 3, y + BAR - 2, ratio));
            }
        }
        for (int index = 0; index < series.size(); index++) {
            int y = legendTop + index * LEGEND_ROW;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/>%n", LEFT, y, COLORS[index % COLORS.length]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s: wall time × NONE</text>%n", LEFT + 18, y + 9, escape(series.get(index))));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String trim(double value)
    {
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String escape(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
