package io.trinospot.watcher.trino;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.trinospot.watcher.config.DrainErrorCode;
import io.trinospot.watcher.http.PlainHttp;
import io.trinospot.watcher.trino.TrinoWorkerException.Failure;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
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
    private static final PlainHttp HTTP = PlainHttp.shared();
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final Set<String> TASK_STATS = Set.of("createTime", "firstStartTime", "lastStartTime", "elapsedTime",
            "totalDrivers", "queuedDrivers", "runningDrivers", "blockedDrivers", "completedDrivers");
    private static final Set<String> PIPELINE_STATS = Set.of("pipelineId", "inputPipeline", "firstStartTime", "lastStartTime",
            "totalDrivers", "queuedDrivers", "completedDrivers", "processedInputPositions");
    private static final Set<String> OPERATOR_STATS = Set.of("sourceId");
    private static final Pattern AIRLIFT_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)");

    private final URI baseUri;
    private final InternalJwt jwt;
    private final DrainErrorCode errorCode;
    private final Duration requestTimeout;
    private final InstantSource clock;
    private final Optional<CoordinatorClient> coordinator;

    public TrinoWorkerClient(URI baseUri, String sharedSecret, String errorCodeName, Duration requestTimeout, InstantSource clock)
    {
        this(baseUri, sharedSecret, errorCodeName, requestTimeout, clock, Optional.empty());
    }

    public TrinoWorkerClient(URI baseUri, String sharedSecret, String errorCodeName, Duration requestTimeout, InstantSource clock,
            Optional<CoordinatorClient> coordinator)
    {
        this.coordinator = requireNonNull(coordinator, "coordinator is null");
        this.baseUri = requireNonNull(baseUri, "baseUri is null");
        this.jwt = new InternalJwt(sharedSecret, "trino-spot-watcher");
        requireNonNull(errorCodeName, "errorCodeName is null");
        try {
            this.errorCode = DrainErrorCode.valueOf(errorCodeName);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported error code: " + errorCodeName, e);
        }
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void setState(NodeState state)
            throws TrinoWorkerException
    {
        call("PUT", "/v1/info/state", TextNode.valueOf(state.name()).toString().getBytes(StandardCharsets.UTF_8), Set.of(), (_, _) -> null);
    }

    @Override
    public void checkAccess()
            throws TrinoWorkerException
    {
        // Internal only, small, and read-only: the coordinator reads it from every worker for its memory accounting.
        call("GET", "/v1/memory", null, Set.of(), (_, _) -> null);
    }

    @Override
    public List<TaskSnapshot> tasks()
            throws TrinoWorkerException
    {
        // The list holds every TaskInfo the worker still retains (finished ones for task.info.max-age): still large on a
        // busy worker. It is parsed as a stream, keeping only what the policy reads, so it fits the agent's small heap.
        // ?summarize drops each running task's pipeline statistics (driver counts and times stay): the full
        // list took seconds to produce and read on a busy worker, which delayed every drain decision.
        return call("GET", "/v1/task?summarize", null, Set.of(), (_, body) -> {
            try (JsonParser parser = JSON.getFactory().createParser(body)) {
                return parseTasks(parser);
            }
        });
    }

    @Override
    public Optional<TaskSnapshot> task(String taskId)
            throws TrinoWorkerException
    {
        // Not summarized: a running task's pipeline statistics are what tell a scan that has not started from a task
        // whose other pipelines are done. One task's TaskInfo is small enough to read on every tick.
        String path = "/v1/task/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
        return call("GET", path, null, Set.of(404, 410), (status, body) -> {
            if (status / 100 != 2) {
                // The worker no longer has it.
                return Optional.empty();
            }
            try (JsonParser parser = JSON.getFactory().createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("expected a TaskInfo object");
                }
                return Optional.of(parseTask(parser, true));
            }
        });
    }

    @Override
    public String failTask(String taskId, String message)
            throws TrinoWorkerException
    {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode failure = body.putObject("failureInfo");
        failure.put("type", "io.trino.spi.TrinoException");
        failure.put("message", message);
        failure.putArray("suppressed");
        failure.putArray("stack");
        failure.putObject("errorCode")
                .put("code", errorCode.code())
                .put("name", errorCode.name())
                .put("type", errorCode.type())
                .put("fatal", false);
        String path = "/v1/task/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8) + "/fail";
        // The answer is the task's TaskInfo (with its full statistics), read as a stream for its state: a task
        // that finished between the listing and this call is not failed by it, and the caller must know.
        return call("POST", path, body.toString().getBytes(StandardCharsets.UTF_8), Set.of(), (_, in) -> {
            try (JsonParser parser = JSON.getFactory().createParser(in)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return "UNKNOWN";
                }
                return parseTask(parser, false).state();
            }
            catch (IOException | IllegalArgumentException e) {
                // The request was accepted; only its answer is unreadable.
                return "UNKNOWN";
            }
        });
    }

    @Override
    public Optional<QueryEstimates> queryEstimates(String queryId, Duration budget)
            throws TrinoWorkerException
    {
        if (coordinator.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(coordinator.get().queryEstimates(queryId, budget));
    }

    @Override
    public Optional<String> stateSeenByCoordinator(Duration budget)
            throws TrinoWorkerException
    {
        if (coordinator.isEmpty()) {
            return Optional.empty();
        }
        return coordinator.get().stateAfterShutdown(budget);
    }

    @Override
    public int otherActiveWorkers()
            throws TrinoWorkerException
    {
        if (coordinator.isEmpty()) {
            throw new TrinoWorkerException("no coordinator to ask");
        }
        return coordinator.get().otherActiveWorkers();
    }

    /** Reads a successful (or handled) answer's body; it may be megabytes of JSON, so it is read as a stream. */
    @FunctionalInterface
    private interface BodyParser<T>
    {
        T parse(int status, InputStream body)
                throws IOException;
    }

    // The answer to one call: what the parser made of it, or the start of an error answer's body.
    private record Reply<T>(int status, T value, Optional<String> error) {}

    /**
     * One call, answer read and all within the request timeout. An answer outside 2xx and {@code handledStatuses}
     * is an error naming the request and the start of the answer.
     */
    private <T> T call(String method, String path, byte[] body, Set<Integer> handledStatuses, BodyParser<T> parser)
            throws TrinoWorkerException
    {
        Map<String, String> headers = headers();
        if (method.equals("GET")) {
            // Only reads ask for JSON: Trino answers a PUT of /v1/info/state with 406 when the request insists on it.
            headers.put("Accept", "application/json");
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        URI uri = URI.create(baseUri + path);
        Reply<T> reply;
        try {
            reply = HTTP.exchange(uri, method, headers, body, requestTimeout, requestTimeout, answer -> {
                if (answer.status() / 100 == 2 || handledStatuses.contains(answer.status())) {
                    return new Reply<>(answer.status(), parser.parse(answer.status(), answer.body()), Optional.empty());
                }
                return new Reply<>(answer.status(), null, Optional.of(new String(answer.body().readNBytes(200), StandardCharsets.UTF_8)));
            });
        }
        catch (IOException e) {
            throw new TrinoWorkerException(e instanceof ConnectException ? Failure.REFUSED : Failure.OTHER, method + " " + uri + ": " + e, e);
        }
        if (reply.error().isPresent()) {
            expectSuccess(method + " " + path, reply.status(), reply.error().get());
        }
        return reply.value();
    }

    static List<TaskSnapshot> parseTasks(JsonParser parser)
            throws IOException
    {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("expected a JSON array of TaskInfo");
        }
        List<TaskSnapshot> tasks = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            // A retained finished task keeps its pipelines: hundreds of them are not worth keeping in the agent's heap.
            tasks.add(parseTask(parser, false));
        }
        if (parser.currentToken() != JsonToken.END_ARRAY) {
            throw new IllegalArgumentException("expected a JSON array of TaskInfo objects");
        }
        return tasks;
    }

    // One TaskInfo, the parser on its START_OBJECT: only taskStatus.{taskId,state}, a few stats and the pipelines'
    // driver counts are kept.
    private static TaskSnapshot parseTask(JsonParser parser, boolean withPipelines)
            throws IOException
    {
        Map<String, JsonNode> status = Map.of();
        Map<String, JsonNode> stats = new HashMap<>();
        List<PipelineProgress> pipelines = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "taskStatus" -> status = scalars(parser, Set.of("taskId", "state"));
                case "stats" -> stats = scalars(parser, TASK_STATS,
                        withPipelines ? Map.of("pipelines", pipelinesParser -> parsePipelines(pipelinesParser, pipelines)) : Map.of());
                default -> parser.skipChildren();
            }
        }
        JsonNode taskId = status.get("taskId");
        if (taskId == null || !taskId.isTextual()) {
            throw new IllegalArgumentException("TaskInfo without taskStatus.taskId");
        }
        Map<String, JsonNode> taskStats = stats;
        Optional<Instant> started = instant(taskStats.get("firstStartTime")).or(() -> instant(taskStats.get("createTime")));
        return new TaskSnapshot(
                taskId.asText(),
                Optional.ofNullable(status.get("state")).map(JsonNode::asText).orElse("UNKNOWN"),
                started,
                duration(Optional.ofNullable(stats.get("elapsedTime")).map(JsonNode::asText).orElse("0s")),
                intValue(stats.get("totalDrivers")),
                intValue(stats.get("queuedDrivers")),
                intValue(stats.get("runningDrivers")),
                intValue(stats.get("blockedDrivers")),
                intValue(stats.get("completedDrivers")),
                instant(taskStats.get("lastStartTime")),
                pipelines);
    }

    // stats.pipelines, the parser on its value: absent or empty in a summarized TaskInfo.
    private static void parsePipelines(JsonParser parser, List<PipelineProgress> pipelines)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            // Skips the running drivers' own statistics, the bulk of a pipeline's entry, and of the operator summaries
            // keeps only the table scan's plan node (the source operator's sourceId; other operators have none).
            List<String> scanNodes = new ArrayList<>();
            Map<String, JsonNode> pipeline = scalars(parser, PIPELINE_STATS, Map.of("operatorSummaries", summaries -> parseScanNodes(summaries, scanNodes)));
            pipelines.add(new PipelineProgress(
                    intValue(pipeline.get("pipelineId")),
                    pipeline.containsKey("inputPipeline") && pipeline.get("inputPipeline").asBoolean(),
                    intValue(pipeline.get("totalDrivers")),
                    intValue(pipeline.get("queuedDrivers")),
                    intValue(pipeline.get("completedDrivers")),
                    instant(pipeline.get("firstStartTime")),
                    instant(pipeline.get("lastStartTime")),
                    Optional.ofNullable(pipeline.get("processedInputPositions")).map(JsonNode::asLong).orElse(0L),
                    scanNodes.stream().findFirst(),
                    OptionalDouble.empty()));
        }
    }

    // stats.pipelines[].operatorSummaries, the parser on its value.
    private static void parseScanNodes(JsonParser parser, List<String> scanNodes)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            JsonNode sourceId = scalars(parser, OPERATOR_STATS).get("sourceId");
            if (sourceId != null && sourceId.isTextual()) {
                scanNodes.add(sourceId.asText());
            }
        }
    }

    private static Map<String, JsonNode> scalars(JsonParser parser, Set<String> wanted)
            throws IOException
    {
        return scalars(parser, wanted, Map.of());
    }

    private interface NestedParser
    {
        void parse(JsonParser parser)
                throws IOException;
    }

    // Reads the object the parser is on, keeping the wanted scalar fields, handing the named nested values to their
    // parsers and skipping everything else.
    private static Map<String, JsonNode> scalars(JsonParser parser, Set<String> wanted, Map<String, NestedParser> nested)
            throws IOException
    {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Map.of();
        }
        Map<String, JsonNode> values = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (wanted.contains(name) && value.isScalarValue()) {
                values.put(name, JSON.readTree(parser));
            }
            else if (nested.containsKey(name)) {
                nested.get(name).parse(parser);
            }
            else {
                parser.skipChildren();
            }
        }
        return values;
    }

    private static int intValue(JsonNode node)
    {
        return node == null ? 0 : node.asInt(0);
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

    private Map<String, String> headers()
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(InternalJwt.HEADER, jwt.mint(clock.instant(), TOKEN_LIFETIME));
        headers.put("User-Agent", "trino-spot-watcher");
        return headers;
    }

    private static void expectSuccess(String what, int status, String responseBody)
            throws TrinoWorkerException
    {
        if (status / 100 == 2) {
            return;
        }
        String hint = switch (status) {
            case 401 -> " (internal token rejected: is the shared secret the worker's internal-communication.shared-secret?)";
            case 403 -> " (not allowed: the request was not recognised as internal)";
            default -> "";
        };
        Failure failure = switch (status) {
            case 401 -> Failure.UNAUTHORIZED;
            case 403 -> Failure.FORBIDDEN;
            default -> Failure.OTHER;
        };
        String body = responseBody == null ? "" : responseBody;
        throw new TrinoWorkerException(failure, what + " answered " + status + hint + ": " + body.substring(0, Math.min(200, body.length())));
    }
}
