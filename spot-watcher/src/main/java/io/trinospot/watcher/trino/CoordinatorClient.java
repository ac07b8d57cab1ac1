package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.trinospot.watcher.http.PlainHttp;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Asks the coordinator, over Trino's client protocol ({@code POST /v1/statement}, then each {@code nextUri}), how it
 * sees this worker in {@code system.runtime.nodes}. The coordinator learns a worker's state only on its own poll
 * (every 5 s in Trino 483), so this is how the drain knows that a failed task's retry will go to another worker.
 * That table lives on the coordinator: the query never runs on a worker.
 */
public final class CoordinatorClient
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final PlainHttp HTTP = PlainHttp.shared();
    // The drain's thread waits for the answer, and its cutoff must not slip: one question gets this long in all
    // (a small query takes a few round trips: 0.1-0.25 s seen on the loaded test cluster).
    private static final Duration QUESTION_BUDGET = Duration.ofSeconds(2);

    private final URI coordinatorUri;
    private final String user;
    private final String nodeId;
    private final Duration requestTimeout;

    public CoordinatorClient(URI coordinatorUri, String user, String nodeId, Duration requestTimeout)
    {
        this.coordinatorUri = URI.create(requireNonNull(coordinatorUri, "coordinatorUri is null").toString().replaceAll("/+$", ""));
        this.user = requireNonNull(user, "user is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
    }

    public String nodeId()
    {
        return nodeId;
    }

    /**
     * @return this worker's state as the coordinator reports it (lower case: {@code active}, {@code shutting_down},
     * ...), or empty when the coordinator does not list a node with this id
     */
    public Optional<String> nodeState()
            throws TrinoWorkerException
    {
        String sql = "SELECT state FROM system.runtime.nodes WHERE node_id = '" + nodeId.replace("'", "''") + "'";
        long deadline = System.nanoTime() + QUESTION_BUDGET.toNanos();
        JsonNode page = call("POST", URI.create(coordinatorUri + "/v1/statement"), sql, deadline);
        Optional<String> state = Optional.empty();
        while (true) {
            JsonNode error = page.path("error");
            if (!error.isMissingNode() && !error.isNull()) {
                throw new TrinoWorkerException("coordinator query failed: " + error.path("errorName").asText("?") + ": " + error.path("message").asText(""));
            }
            for (JsonNode row : page.path("data")) {
                if (row.isArray() && row.size() == 1 && row.get(0).isTextual()) {
                    state = Optional.of(row.get(0).asText());
                }
                else {
                    throw new TrinoWorkerException("coordinator answered an unexpected row: " + abbreviate(row.toString()));
                }
            }
            JsonNode next = page.path("nextUri");
            if (next.isMissingNode() || next.isNull()) {
                return state;
            }
            if (System.nanoTime() - deadline >= 0) {
                cancel(next.asText());
                throw new TrinoWorkerException("coordinator query did not finish within " + QUESTION_BUDGET.toMillis() + " ms");
            }
            page = call("GET", URI.create(next.asText()), null, deadline);
        }
    }

    private JsonNode call(String method, URI uri, String sql, long deadline)
            throws TrinoWorkerException
    {
        Duration timeout = Duration.ofNanos(Math.max(1_000_000, Math.min(requestTimeout.toNanos(), deadline - System.nanoTime())));
        PlainHttp.StringResponse response;
        try {
            response = HTTP.sendForString(uri, method, headers(sql != null), sql == null ? null : sql.getBytes(StandardCharsets.UTF_8),
                    timeout, timeout, MAX_BODY_BYTES);
        }
        catch (IOException e) {
            throw new TrinoWorkerException(method + " " + uri + ": " + e, e);
        }
        if (response.status() != 200) {
            String hint = switch (response.status()) {
                case 401 -> " (the coordinator requires authentication; set watcher.coordinator.confirm-shutdown=false to rely on watcher.drain.early-fail-delay)";
                case 403 -> " (user " + user + " may not query system.runtime.nodes)";
                default -> "";
            };
            throw new TrinoWorkerException(method + " " + uri + " answered " + response.status() + hint + ": " + abbreviate(response.body()));
        }
        try {
            JsonNode page = JSON.readTree(response.bytes());
            if (page == null || !page.isObject()) {
                throw new IOException("not a JSON object");
            }
            return page;
        }
        catch (IOException e) {
            throw new TrinoWorkerException(method + " " + uri + ": unreadable answer (" + e.getMessage() + "): " + abbreviate(response.body()), e);
        }
    }

    private void cancel(String nextUri)
    {
        try {
            Duration timeout = Duration.ofMillis(500);
            HTTP.sendForString(URI.create(nextUri), "DELETE", headers(false), null, timeout, timeout, MAX_BODY_BYTES);
        }
        catch (IOException | RuntimeException ignored) {
            // Best effort: the coordinator abandons a query nobody polls.
        }
    }

    private Map<String, String> headers(boolean withBody)
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Trino-User", user);
        headers.put("X-Trino-Source", "trino-spot-watcher");
        headers.put("User-Agent", "trino-spot-watcher");
        if (withBody) {
            headers.put("Content-Type", "text/plain; charset=utf-8");
        }
        return headers;
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
