package io.trinospot.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a query cost, from Trino's query info ({@code GET /v1/query/<id>}): total CPU time, and the bytes every stage
 * but the root one produced ({@code stageStats.outputDataSize}). Those bytes are the exchanges' input before
 * compression: passed over the network under NONE, written to the spool and read back under QUERY and TASK. Trino
 * keeps no spooled-bytes figure of its own (its exchange sink reports a file count and a file size distribution).
 */
public record QueryCost(long cpuMillis, long exchangedBytes)
{
    private static final Pattern DURATION = Pattern.compile("([0-9.]+)\\s*(ns|us|ms|s|m|h|d)");
    private static final Pattern DATA_SIZE = Pattern.compile("([0-9.]+)\\s*(B|kB|MB|GB|TB|PB)");
    private static final Map<String, Double> MILLIS = Map.of("ns", 1e-6, "us", 1e-3, "ms", 1.0, "s", 1e3, "m", 60e3, "h", 3600e3, "d", 86400e3);
    private static final Map<String, Double> BYTES = Map.of("B", 1.0, "kB", 0x1p10, "MB", 0x1p20, "GB", 0x1p30, "TB", 0x1p40, "PB", 0x1p50);

    public static QueryCost fromQueryInfo(JsonNode queryInfo)
    {
        long cpuMillis = millis(queryInfo.path("queryStats").path("totalCpuTime").asText());
        JsonNode stages = queryInfo.path("stages");
        String root = stages.path("outputStageId").asText();
        long bytes = 0;
        for (JsonNode stage : stages.path("stages")) {
            if (!stage.path("stageId").asText().equals(root)) {
                bytes += bytes(stage.path("stageStats").path("outputDataSize").asText());
            }
        }
        return new QueryCost(cpuMillis, bytes);
    }

    /** An Airlift duration as Trino prints it, e.g. {@code 1.50s}. */
    static long millis(String text)
    {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a duration: '" + text + "'");
        }
        return Math.round(Double.parseDouble(matcher.group(1)) * MILLIS.get(matcher.group(2)));
    }

    /** An Airlift data size as Trino prints it, e.g. {@code 12.5MB} (binary units). */
    static long bytes(String text)
    {
        Matcher matcher = DATA_SIZE.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a data size: '" + text + "'");
        }
        return Math.round(Double.parseDouble(matcher.group(1)) * BYTES.get(matcher.group(2)));
    }

    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "cpu %d ms, exchanged %d bytes", cpuMillis, exchangedBytes);
    }
}
