package io.trinospot.harness.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * One simulated Trino 483 worker on its own loopback port (a connector of the fleet's Jetty server, speaking HTTP/1.1
 * and, as the coordinator's internal client does by default, HTTP/2 without TLS): it answers the requests a coordinator sends a worker while
 * no query runs, with a real worker's paths, status codes, media types and JSON fields, and counts every request by
 * method and path. It runs no tasks: anything else (a task, say) gets 404 and is counted, so a test can assert that
 * nothing was scheduled on it.
 */
public final class SimulatedWorker
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEAP = 2L << 30;
    private static final long QUERY_MEMORY = 1L << 30;
    private static final int PROCESSORS = 2;
    private static final Set<String> ENDPOINTS = Set.of(
            "GET /v1/info", "GET /v1/info/state", "PUT /v1/info/state", "GET /v1/status", "HEAD /v1/status", "GET /v1/memory");

    private final String nodeId;
    private final WorkerIdentity identity;
    private final InternalToken token;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final ServerConnector connector;
    private final AtomicReference<WorkerState> state = new AtomicReference<>(WorkerState.ACTIVE);
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

    SimulatedWorker(String nodeId, WorkerIdentity identity, InternalToken token, ServerConnector connector, LongSupplier nanoTime)
    {
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.token = requireNonNull(token, "token is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.startNanos = nanoTime.getAsLong();
    }

    public String nodeId()
    {
        return nodeId;
    }

    /** The worker's internal URI, as it announces it to the coordinator. */
    public URI uri()
    {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    public WorkerState state()
    {
        return state.get();
    }

    /**
     * Sets the state this worker reports from now on. Unlike {@code PUT /v1/info/state} it may leave SHUTTING_DOWN:
     * that stands in for the worker being replaced by a fresh one with the same address, so a benchmark can reuse it.
     */
    public void state(WorkerState newState)
    {
        state.set(requireNonNull(newState, "newState is null"));
    }

    /** Requests received so far by {@code "METHOD /path"} (unknown paths cut to their first two segments). */
    public Map<String, Long> requestCounts()
    {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }

    public long totalRequests()
    {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    void handle(Request request, Response response, Callback callback)
    {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String endpoint = method + " " + path;
        // counted before the answer goes out: a caller that has its answer must find its request counted
        requests.computeIfAbsent(ENDPOINTS.contains(endpoint) ? endpoint : method + " " + firstSegments(path), _ -> new LongAdder()).increment();
        try {
            switch (endpoint) {
                case "GET /v1/info" -> json(response, callback, serverInfo());
                case "GET /v1/info/state" -> json(response, callback, JSON.getNodeFactory().textNode(state.get().name()));
                case "PUT /v1/info/state" -> updateState(request, response, callback);
                case "GET /v1/status" -> json(response, callback, nodeStatus());
                case "HEAD /v1/status" -> respond(response, callback, 200, null, new byte[0]);
                case "GET /v1/memory" -> {
                    if (internal(request, response, callback)) {
                        json(response, callback, memoryInfo());
                    }
                }
                default ->
                    // Read before answering: a request body left unread makes Jetty reset an HTTP/2 stream (one
                    // upgraded from HTTP/1.1 included), and the client then sees "Stream cancelled", not the 404.
                    Content.Source.consumeAll(request, Callback.from(InvocationType.NON_BLOCKING,
                            () -> respond(response, callback, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8)),
                            callback::failed));
            }
        }
        catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    // Trino's management-write check: the internal bearer passes; a user without special rights is refused (403),
    // a request without credentials is unauthenticated (401).
    private void updateState(Request request, Response response, Callback callback)
    {
        if (!token.isValid(request.getHeaders().get(InternalToken.HEADER))) {
            boolean user = request.getHeaders().contains("X-Trino-User");
            respond(response, callback, user ? 403 : 401, "text/plain", new byte[0]);
            return;
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            respond(response, callback, 415, "text/plain", new byte[0]);
            return;
        }
        Content.Source.asString(request, StandardCharsets.UTF_8, Promise.from(
                body -> applyState(body, response, callback),
                callback::failed));
    }

    private void applyState(String body, Response response, Callback callback)
    {
        WorkerState requested;
        try {
            requested = WorkerState.valueOf(JSON.readTree(body).asText());
        }
        catch (IllegalArgumentException | IOException e) {
            respond(response, callback, 400, "text/plain", "Invalid state".getBytes(StandardCharsets.UTF_8));
            return;
        }
        WorkerState current = state.get();
        // SHUTTING_DOWN is one-way on a real worker
        if (current == WorkerState.SHUTTING_DOWN && requested != WorkerState.SHUTTING_DOWN) {
            respond(response, callback, 400, "text/plain", ("Invalid state transition from " + current + " to " + requested).getBytes(StandardCharsets.UTF_8));
            return;
        }
        state.set(requested);
        respond(response, callback, 200, "text/plain", new byte[0]);
    }

    private boolean internal(Request request, Response response, Callback callback)
    {
        if (token.isValid(request.getHeaders().get(InternalToken.HEADER))) {
            return true;
        }
        respond(response, callback, 401, "text/plain", new byte[0]);
        return false;
    }

    ObjectNode serverInfo()
    {
        ObjectNode info = JSON.createObjectNode();
        info.put("nodeId", nodeId);
        info.put("state", state.get().name());
        info.putObject("nodeVersion").put("version", identity.version());
        info.put("environment", identity.environment());
        info.put("coordinator", false);
        // coordinatorId is left out, as a worker's Jackson leaves out an empty Optional: only a coordinator has one
        info.put("starting", false);
        info.put("uptime", AirliftDurations.format(uptime()));
        return info;
    }

    ObjectNode memoryInfo()
    {
        ObjectNode memory = JSON.createObjectNode();
        memory.put("availableProcessors", PROCESSORS);
        memory.put("systemCpuLoad", 0.0);
        ObjectNode pool = memory.putObject("pool");
        pool.put("maxBytes", QUERY_MEMORY);
        pool.put("freeBytes", QUERY_MEMORY);
        pool.put("reservedBytes", 0L);
        pool.put("reservedRevocableBytes", 0L);
        pool.putObject("queryMemoryReservations");
        pool.putObject("queryMemoryAllocations");
        pool.putObject("taskMemoryReservations");
        pool.putObject("taskMemoryRevocableReservations");
        return memory;
    }

    ObjectNode nodeStatus()
    {
        ObjectNode status = JSON.createObjectNode();
        status.put("nodeId", nodeId);
        status.putObject("nodeVersion").put("version", identity.version());
        status.put("environment", identity.environment());
        status.put("coordinator", false);
        status.put("uptime", AirliftDurations.format(uptime()));
        status.put("externalAddress", "127.0.0.1");
        status.put("internalAddress", "127.0.0.1");
        status.set("memoryInfo", memoryInfo());
        status.put("processors", PROCESSORS);
        status.put("processCpuLoad", 0.0);
        status.put("systemCpuLoad", 0.0);
        status.put("heapUsed", MAX_HEAP / 8);
        status.put("heapAvailable", MAX_HEAP);
        status.put("nonHeapUsed", MAX_HEAP / 16);
        return status;
    }

    private Duration uptime()
    {
        return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    private static String firstSegments(String path)
    {
        String[] segments = path.split("/", 4);
        return segments.length <= 3 ? path : "/" + segments[1] + "/" + segments[2] + "/…";
    }

    private static void json(Response response, Callback callback, JsonNode body)
            throws IOException
    {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        }
        catch (JsonProcessingException e) {
            throw new IOException(e);
        }
        respond(response, callback, 200, "application/json", bytes);
    }

    private static void respond(Response response, Callback callback, int status, String contentType, byte[] body)
    {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public String toString()
    {
        return nodeId + "@" + uri() + "[" + state.get() + "]";
    }

    /** What a worker tells the coordinator about its cluster membership: both must equal the coordinator's. */
    record WorkerIdentity(String environment, String version)
    {
        WorkerIdentity
        {
            requireNonNull(environment, "environment is null");
            requireNonNull(version, "version is null");
        }
    }
}
