package io.trinospot.harness.bench;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TestFteReport
{
    private static final List<Measurement> MEASUREMENTS = List.of(
            new Measurement("tpch:q1", "hdfs", "NONE", 2000, 3000, 1 << 20, 4),
            new Measurement("tpch:q1", "hdfs", "TASK-LZ4", 2400, 3600, 3 << 20, 4),
            new Measurement("tpch:q3", "hdfs", "TASK-LZ4", 1100, 1000, 1 << 20, 10),
            new Measurement("tpch:q3", "hdfs", "NONE", 1000, 1000, 1 << 20, 10));

    @Test
    void markdownHasTheRunTheSummaryAndEveryRun()
    {
        RunInfo run = new RunInfo(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:30:00Z"), "abc1234", "1.00 0.50 0.20", "2.00 1.00 0.50", "tpch:q1,q3", "hdfs", 1);
        String markdown = FteReport.markdown(run, MEASUREMENTS, FteSummary.summarize(MEASUREMENTS), List.of());
        assertThat(markdown)
                .contains("commit abc1234, load average at start 1.00 0.50 0.20, at end 2.00 1.00 0.50")
                .contains("Run 2026-01-01T10:00:00Z to 2026-01-01T10:30:00Z (30 min)")
                .contains("every run returned the rows of NONE")
                // geomean of 1.2 and 1.1
                .contains("| hdfs | TASK-LZ4 | 2 | **1.15** | 1.10 | 3.5 | 3.0 | 1.17 | 4.0 | tpch:q1 1.20, tpch:q3 1.10 |")
                .contains("| tpch:q1 | hdfs | TASK-LZ4 | 2.40 | 1.20 | 3.60 | 1.20 | 3.0 | 4 |")
                .contains("| tpch:q1 | hdfs | NONE | 2.00 |  | 3.00 |  | 1.0 | 4 |");
        assertThat(FteReport.summaryLines(FteSummary.summarize(MEASUREMENTS)))
                .isEqualTo("hdfs TASK-LZ4: geomean wall 1.15x NONE (CPU 1.10x) over 2 queries; total 3.5 s vs 3.0 s; worst tpch:q1 1.20x, tpch:q3 1.10x");
    }

    @Test
    void markdownSaysWhichRunsDiffer()
    {
        RunInfo run = new RunInfo(Instant.parse("2026-01-01T10:00:00.123456Z"), Instant.parse("2026-01-01T10:01:00Z"), "abc1234", "1", "2", "tpch:q1", "hdfs", 3);
        String markdown = FteReport.markdown(run, MEASUREMENTS, FteSummary.summarize(MEASUREMENTS), List.of("ROWS DIFFER: hdfs tpch:q1 TASK-LZ4: row 0: expected [1], got [2]\nrow 1: expected [3], got [4]"));
        assertThat(markdown)
                .contains("Run 2026-01-01T10:00:00Z to")
                .contains("then 3 times timed, the order of the modes rotated from query to query and from one timed round to the next, each mode's median")
                .contains("**Rows: 1 run(s) differ from NONE.**")
                .contains("    ROWS DIFFER: hdfs tpch:q1 TASK-LZ4: row 0: expected [1], got [2]\n    row 1: expected [3], got [4]\n");
    }

    @Test
    void chartIsWellFormedSvgWithOneBarPerQueryAndSeries()
            throws Exception
    {
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        ratios.put("hdfs TASK-LZ4", FteSummary.wallRatios(MEASUREMENTS, "hdfs", "TASK-LZ4"));
        ratios.put("s3 <TASK-LZ4>", Map.of("tpch:q1", 7.5));
        String svg = RatioChart.svg("TPC-H sf1 & friends", "commit abc1234", List.of("tpch:q1", "tpch:q3"), ratios);

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        // background + 3 bars + 2 legend swatches
        assertThat(document.getElementsByTagName("rect").getLength()).isEqualTo(6);
        assertThat(svg).contains("<title>tpch:q1 hdfs TASK-LZ4: 1.20×</title>").contains("s3 &lt;TASK-LZ4&gt;").contains("TPC-H sf1 &amp; friends").contains(">commit abc1234</text>");
        // the scale reaches the largest ratio in whole steps
        assertThat(svg).contains(">8×</text>").doesNotContain(">9×</text>");
    }
}
