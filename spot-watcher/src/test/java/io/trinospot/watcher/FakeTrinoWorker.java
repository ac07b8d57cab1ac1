package io.trinospot.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Stands in for a worker's HTTP API: checks the internal bearer token the way a worker would (its own HKDF,
 * written independently of the watcher's), records state changes and task failures, serves a task list.
 */
public final class FakeTrinoWorker
        implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private volatile byte[] key;
    public final List<String> states = new CopyOnWriteArrayList<>();
    public final List<JsonNode> failures = new CopyOnWriteArrayList<>();
    public final List<String> failedTaskIds = new CopyOnWriteArrayList<>();
    public volatile String taskListJson = "[]";
    public final List<String> taskReads = new CopyOnWriteArrayList<>();
    public final List<String> taskListQueries = new CopyOnWriteArrayList<>();
    public final Set<String> finishedTaskIds = new CopyOnWriteArraySet<>();
    public volatile int unauthorized;
    public volatile int memoryReads;

    public FakeTrinoWorker(String sharedSecret)
            throws Exception
    {
        this.key = hkdf(sharedSecret.getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/memory", exchange -> {
            if (authorized(exchange)) {
                memoryReads++;
                respond(exchange, 200, "{\"maxBytes\":1073741824,\"pool\":{}}");
            }
        });
        server.createContext("/v1/info/state", exchange -> {
            if (authorized(exchange)) {
                // Trino's PUT /v1/info/state consumes application/json and produces text/plain: a request that
                // accepts only JSON gets 406, one that sends another type 415.
                String accept = exchange.getRequestHeaders().getFirst("Accept");
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (accept != null && !(accept.contains("text/plain") || accept.contains("text/*") || accept.contains("*/*"))) {
                    respond(exchange, 406, "");
                    return;
                }
                if (contentType == null || !contentType.startsWith("application/json")) {
                    respond(exchange, 415, "");
                    return;
                }
                states.add(JSON.readTree(exchange.getRequestBody().readAllBytes()).asText());
                respond(exchange, 200, "");
            }
        });
        server.createContext("/v1/task", exchange -> {
            if (!authorized(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("GET") && path.equals("/v1/task")) {
                taskListQueries.add(String.valueOf(exchange.getRequestURI().getQuery()));
                respond(exchange, 200, taskListJson);
            }
            else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/v1/task/")) {
                // One task: picked from the list as the worker would answer for it.
                String taskId = path.substring("/v1/task/".length());
                taskReads.add(taskId + "?" + exchange.getRequestURI().getQuery());
                JsonNode found = null;
                for (JsonNode task : JSON.readTree(taskListJson)) {
                    if (task.path("taskStatus").path("taskId").asText().equals(taskId)) {
                        found = task;
                    }
                }
                if (found == null) {
                    respond(exchange, 404, "");
                }
                else {
                    respond(exchange, 200, JSON.writeValueAsString(found));
                }
            }
            else if (exchange.getRequestMethod().equals("POST") && path.endsWith("/fail")) {
                failures.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                String taskId = path.substring("/v1/task/".length(), path.length() - "/fail".length());
                failedTaskIds.add(taskId);
                // Trino answers with the task's TaskInfo; a task that is already done keeps its state.
                String state = finishedTaskIds.contains(taskId) ? "FINISHED" : "FAILED";
                respond(exchange, 200, "{\"taskStatus\":{\"taskId\":\"" + taskId + "\",\"state\":\"" + state + "\",\"failures\":[]},\"stats\":{\"totalDrivers\":4}}");
            }
            else {
                respond(exchange, 404, "");
            }
        });
        server.start();
    }

    /** The worker restarted with another {@code internal-communication.shared-secret}. */
    public void changeSecret(String sharedSecret)
            throws Exception
    {
        key = hkdf(sharedSecret.getBytes(StandardCharsets.UTF_8));
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    private boolean authorized(HttpExchange exchange)
            throws IOException
    {
        String token = exchange.getRequestHeaders().getFirst("X-Trino-Internal-Bearer");
        if (token != null && valid(token)) {
            return true;
        }
        unauthorized++;
        respond(exchange, 401, "");
        return false;
    }

    private boolean valid(String token)
    {
        try {
            String[] parts = token.split("\\.");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return MessageDigest.isEqual(signature, Base64.getUrlDecoder().decode(parts[2]))
                    && payload.get("exp").asLong() > Instant.now().getEpochSecond()
                    && payload.hasNonNull("sub");
        }
        catch (Exception e) {
            return false;
        }
    }

    // RFC 5869 with no salt and info "internal-communication", 32 bytes: a single expand block.
    private static byte[] hkdf(byte[] secret)
            throws Exception
    {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(secret);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update("internal-communication".getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 1);
        return mac.doFinal();
    }

    private static void respond(HttpExchange exchange, int status, String body)
            throws IOException
    {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
