package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The local worker's HTTP API, authenticated as an internal Trino node.
 */
public final class TrinoWorkerClient
        implements WorkerApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    // Codes from io.trino.spi.StandardErrorCode; both are INTERNAL_ERROR, which task retries pick up.
    private static final Map<String, Integer> ERROR_CODES = Map.of("REMOTE_HOST_GONE", 65558, "GENERIC_INTERNAL_ERROR", 65536);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final Pattern AIRLIFT_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)");

    private final URI baseUri;
    private final InternalJwt jwt;
    private final String errorCodeName;
    private final Duration requestTimeout;
    private final InstantSource clock;
    private final HttpClient http;

    public TrinoWorkerClient(URI baseUri, String sharedSecret, String errorCodeName, Duration requestTimeout, InstantSource clock)
    {
        this.baseUri = requireNonNull(baseUri, "baseUri is null");
        this.jwt = new InternalJwt(sharedSecret, "trino-spot-watcher");
        this.errorCodeName = requireNonNull(errorCodeName, "errorCodeName is null");
        if (!ERROR_CODES.containsKey(errorCodeName)) {
            throw new IllegalArgumentException("unsupported error code: " + errorCodeName);
        }
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    @Override
    public void setState(NodeState state)
            throws TrinoWorkerException
    {
        HttpResponse<String> response = send(request("/v1/info/state")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("\"" + state.name() + "\"")));
        expectSuccess("PUT /v1/info/state " + state, response);
    }

    @Override
    public List<TaskSnapshot> tasks()
            throws TrinoWorkerException
    {
        HttpResponse<String> response = send(request("/v1/task").header("Accept", "application/json").GET());
        expectSuccess("GET /v1/task", response);
        try {
            return parseTasks(JSON.readTree(response.body()));
        }
        catch (IOException | RuntimeException e) {
            throw new TrinoWorkerException("GET /v1/task: cannot read task list: " + e.getMessage(), e);
        }
    }

    @Override
    public void failTask(String taskId, String message)
            throws TrinoWorkerException
    {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode failure = body.putObject("failureInfo");
        failure.put("type", "io.trino.spi.TrinoException");
        failure.put("message", message);
        failure.putArray("suppressed");
        failure.putArray("stack");
        failure.putObject("errorCode")
                .put("code", ERROR_CODES.get(errorCodeName))
                .put("name", errorCodeName)
                .put("type", "INTERNAL_ERROR")
                .put("fatal", false);
        String path = "/v1/task/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8) + "/fail";
        HttpResponse<String> response = send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        expectSuccess("POST " + path, response);
    }

    static List<TaskSnapshot> parseTasks(JsonNode root)
    {
        if (!root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of TaskInfo");
        }
        List<TaskSnapshot> tasks = new ArrayList<>();
        for (JsonNode info : root) {
            JsonNode status = info.path("taskStatus");
            JsonNode stats = info.path("stats");
            String taskId = status.path("taskId").asText(null);
            if (taskId == null) {
                throw new IllegalArgumentException("TaskInfo without taskStatus.taskId");
            }
            Optional<Instant> started = instant(stats.get("firstStartTime")).or(() -> instant(stats.get("createTime")));
            tasks.add(new TaskSnapshot(
                    taskId,
                    status.path("state").asText("UNKNOWN"),
                    started,
                    duration(stats.path("elapsedTime").asText("0s")),
                    stats.path("totalDrivers").asInt(0),
                    stats.path("queuedDrivers").asInt(0),
                    stats.path("runningDrivers").asInt(0),
                    stats.path("blockedDrivers").asInt(0),
                    stats.path("completedDrivers").asInt(0)));
        }
        return tasks;
    }

    private static Optional<Instant> instant(JsonNode node)
    {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            // Jackson writes Instants as decimal epoch seconds when timestamps are numeric.
            double seconds = node.asDouble();
            return Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
        }
        try {
            return Optional.of(Instant.parse(node.asText()));
        }
        catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    // Airlift's Duration JSON form: "12.50ms", "3.00s", "1.20m".
    static Duration duration(String text)
    {
        Matcher matcher = AIRLIFT_DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            return Duration.ZERO;
        }
        double value = Double.parseDouble(matcher.group(1));
        double nanosPerUnit = switch (matcher.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalStateException();
        };
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }

    private HttpRequest.Builder request(String path)
    {
        return HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(requestTimeout)
                .header(InternalJwt.HEADER, jwt.mint(clock.instant(), TOKEN_LIFETIME))
                .header("User-Agent", "trino-spot-watcher");
    }

    private HttpResponse<String> send(HttpRequest.Builder request)
            throws TrinoWorkerException
    {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new TrinoWorkerException(built.method() + " " + built.uri() + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrinoWorkerException(built.method() + " " + built.uri() + ": interrupted", e);
        }
    }

    private static void expectSuccess(String what, HttpResponse<String> response)
            throws TrinoWorkerException
    {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String hint = switch (status) {
            case 401 -> " (internal token rejected: is the shared secret the worker's internal-communication.shared-secret?)";
            case 403 -> " (not allowed: the request was not recognised as internal)";
            default -> "";
        };
        String body = response.body() == null ? "" : response.body();
        throw new TrinoWorkerException(what + " answered " + status + hint + ": " + body.substring(0, Math.min(200, body.length())));
    }
}
