package io.trinospot.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.harness.Lake;
import io.trinospot.harness.QueryFailedException;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Runs a query set in several modes on one cluster after another: per query, once untimed in every mode, then
 * {@code timedRuns} times timed, the modes' order rotated from query to query and from one timed round to the next;
 * a mode's measurement is the median of its timed runs. Every run's rows are compared with the first NONE run of the
 * same query, on any cluster; a difference is reported at once and kept for {@link #assertSameRows()}.
 */
public final class FteRunner
{
    public static final String SOURCE = "trino-spot-fte-bench";
    private static final Duration FINAL_INFO_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> progress;
    private final Map<String, QueryResult> references = new HashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<String> differences = new ArrayList<>();

    private final int timedRuns;

    public FteRunner(Consumer<String> progress, int timedRuns)
    {
        this.progress = requireNonNull(progress, "progress is null");
        if (timedRuns < 1) {
            throw new IllegalArgumentException("timedRuns must be at least 1: " + timedRuns);
        }
        this.timedRuns = timedRuns;
    }

    /** Runs {@code queries} in {@code modes} (NONE among them) on {@code cluster}, whose spool is {@code storage}. */
    public List<Measurement> run(TrinoCluster cluster, String storage, List<FteMode> modes, List<BenchmarkQuery> queries, boolean warmUp)
    {
        if (!modes.contains(FteMode.NONE)) {
            throw new IllegalArgumentException("Ratios need NONE among the modes: " + modes);
        }
        List<Measurement> measured = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int index = 0; index < queries.size(); index++) {
                BenchmarkQuery query = queries.get(index);
                for (String setup : query.setup()) {
                    execute(cluster, query, FteMode.NONE, setup);
                }
                List<FteMode> order = ModeRotation.forQuery(modes, index);
                List<Run> runs = new ArrayList<>();
                if (warmUp) {
                    for (FteMode mode : order) {
                        runs.add(new Run(mode, execute(cluster, query, mode, query.sql())));
                    }
                }
                Map<FteMode, List<Measurement>> timed = new LinkedHashMap<>();
                for (int round = 0; round < timedRuns; round++) {
                    for (FteMode mode : ModeRotation.forQuery(modes, index + round)) {
                        QueryResult result = execute(cluster, query, mode, query.sql());
                        runs.add(new Run(mode, result));
                        QueryCost cost = cost(http, cluster, result.queryId());
                        Measurement measurement = new Measurement(query.id(), storage, mode.name(), result.wallTime().toMillis(), cost.cpuMillis(), cost.exchangedBytes(), result.rowCount());
                        timed.computeIfAbsent(mode, ignored -> new ArrayList<>()).add(measurement);
                        progress.accept(String.format(Locale.ROOT, "%s %s %s: %d ms, CPU %d ms, exchanged %.1f MiB, %d rows",
                                storage, query.id(), mode, measurement.wallMillis(), measurement.cpuMillis(), measurement.exchangedBytes() / (double) (1 << 20), measurement.rows()));
                    }
                }
                for (FteMode mode : order) {
                    measured.add(Measurement.median(timed.get(mode)));
                }
                compare(query, storage, runs);
            }
        }
        measurements.addAll(measured);
        return List.copyOf(measured);
    }

    public List<Measurement> measurements()
    {
        return List.copyOf(measurements);
    }

    public List<String> differences()
    {
        return List.copyOf(differences);
    }

    /** Fails with every difference found so far. */
    public void assertSameRows()
    {
        if (!differences.isEmpty()) {
            throw new AssertionError(differences.size() + " run(s) returned rows that differ from NONE:\n" + String.join("\n", differences));
        }
    }

    private void compare(BenchmarkQuery query, String storage, List<Run> runs)
    {
        // the reference: NONE of the first cluster that ran this query; the rotation may have run other modes before it
        QueryResult reference = references.computeIfAbsent(query.id(), ignored -> runs.stream()
                .filter(run -> run.mode().equals(FteMode.NONE))
                .findFirst()
                .orElseThrow()
                .result());
        for (Run run : runs) {
            ResultComparison.differences(reference, run.result()).ifPresent(problem -> {
                String line = "ROWS DIFFER: " + storage + " " + query.id() + " " + run.mode() + " (query " + run.result().queryId() + ") vs NONE (query " + reference.queryId() + "): " + problem;
                differences.add(line);
                progress.accept(line);
            });
        }
    }

    private record Run(FteMode mode, QueryResult result) {}

    private static QueryResult execute(TrinoCluster cluster, BenchmarkQuery query, FteMode mode, String sql)
    {
        try (Connection connection = cluster.connect(SOURCE, mode.sessionProperties())) {
            connection.setCatalog(Lake.CATALOG);
            connection.setSchema(query.dataset().lakeSchema());
            try (Statement statement = connection.createStatement()) {
                return QueryResult.run(statement, sql);
            }
        }
        catch (SQLException e) {
            throw new QueryFailedException(query.id() + " " + mode + ": " + sql, e, cluster.deadNodesReport());
        }
    }

    /** The coordinator's final query info: stage statistics arrive a moment after the last row. */
    private static QueryCost cost(HttpClient http, TrinoCluster cluster, String queryId)
    {
        if (queryId.isEmpty()) {
            throw new IllegalStateException("No query id: the statement returned no result set");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.coordinator().uri() + "/v1/query/" + queryId))
                .header("X-Trino-User", TrinoCluster.USER)
                .build();
        long deadline = System.nanoTime() + FINAL_INFO_TIMEOUT.toNanos();
        try {
            while (true) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("GET /v1/query/" + queryId + " answered " + response.statusCode() + ": " + response.body());
                }
                JsonNode info = JSON.readTree(response.body());
                if (info.path("finalQueryInfo").asBoolean() || System.nanoTime() > deadline) {
                    return QueryCost.fromQueryInfo(info);
                }
                Thread.sleep(100);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("Reading the query info of " + queryId, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
