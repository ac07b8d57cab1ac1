package io.trinospot.fis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.fis.plan.Lifecycle;
import io.trinospot.fis.report.EventKind;
import io.trinospot.fis.report.ExperimentReport;
import io.trinospot.fis.report.NodeState;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * Samples a cluster during an experiment, on its own thread: each node's state (the coordinator's view, and whether
 * its process still lives), and the progress and task attempts of the experiment's queries (the coordinator's
 * {@code /v1/query} API, which keeps failed attempts even after their worker is gone).
 */
public final class ExperimentRecorder
        implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(ExperimentRecorder.class.getName());
    private static final Duration INTERVAL = Duration.ofMillis(500);
    // Node states every interval: when a worker shows shutting_down bounds what may start on it. The queries' tasks
    // every few: for them the coordinator serialises its whole query list and each running query's QueryInfo (hundreds
    // of KB for a write), which on 2 cores slowed the experiment it watched; task times come from the coordinator's
    // stats, not from when they were sampled.
    private static final int QUERY_SAMPLE_EVERY = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL_TASK_STATES = Set.of("FINISHED", "FAILED", "ABORTED", "CANCELED");

    private final TrinoCluster cluster;
    private final String querySource;
    private final Instant start;
    private final Consumer<String> progressLine;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
    private final Map<String, List<ExperimentReport.StateChange>> states = new LinkedHashMap<>();
    private final List<ExperimentReport.Event> events = new ArrayList<>();
    private final List<ExperimentReport.ProgressSample> progress = new ArrayList<>();
    private final Set<String> failedTasks = new HashSet<>();
    private final Set<String> retriedTasks = new HashSet<>();
    /** The source of every query of this experiment seen, by query id. */
    private final Map<String, String> querySources = new LinkedHashMap<>();
    /** Every task attempt seen, by id, as last reported. */
    private final Map<String, ExperimentReport.TaskAttempt> taskAttempts = new LinkedHashMap<>();
    private final Set<String> finishedQueries = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param querySource the JDBC {@code source} the experiment's queries carry, or begin with */
    public ExperimentRecorder(TrinoCluster cluster, String querySource, Instant start, Consumer<String> progressLine)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.querySource = requireNonNull(querySource, "querySource is null");
        this.start = requireNonNull(start, "start is null");
        this.progressLine = requireNonNull(progressLine, "progressLine is null");
        cluster.nodes().forEach(node -> states.put(node.name(), new ArrayList<>()));
        this.thread = Thread.ofPlatform().daemon().name("experiment-recorder").start(this::loop);
    }

    private void loop()
    {
        for (long round = 0; running; round++) {
            long begin = System.nanoTime();
            try {
                sample(round % QUERY_SAMPLE_EVERY == 0);
            }
            catch (RuntimeException e) {
                // the coordinator may be busy or briefly unreachable; the next sample tries again
                LOG.fine("sample failed: " + e);
            }
            long slept = INTERVAL.toNanos() - (System.nanoTime() - begin);
            if (slept > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(slept));
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sample(boolean queries)
    {
        Optional<Map<String, String>> coordinatorView;
        try {
            coordinatorView = Optional.of(cluster.nodeStatesWithoutRetries());
        }
        catch (RuntimeException e) {
            // a busy coordinator: only what the processes tell is known this time
            coordinatorView = Optional.empty();
        }
        Duration at = Duration.between(start, Instant.now());
        for (TrinoNode node : cluster.nodes()) {
            if (coordinatorView.isPresent()) {
                recordState(node.name(), at, state(node, coordinatorView.get().get(node.name())));
            }
            else if (!node.isAlive()) {
                recordState(node.name(), at, NodeState.GONE);
            }
        }
        if (queries) {
            sampleQueries(at);
        }
    }

    private static NodeState state(TrinoNode node, String coordinatorState)
    {
        if (!node.isAlive()) {
            return NodeState.GONE;
        }
        if (coordinatorState == null) {
            // alive but not (or no longer) announced: starting up, or on its way out
            return NodeState.STOPPED;
        }
        return switch (coordinatorState) {
            case "draining", "drained" -> NodeState.DRAINING;
            case "shutting_down" -> NodeState.SHUTTING_DOWN;
            case "active" -> NodeState.ACTIVE;
            default -> NodeState.STOPPED;
        };
    }

    private synchronized void recordState(String node, Duration at, NodeState state)
    {
        List<ExperimentReport.StateChange> changes = states.computeIfAbsent(node, name -> new ArrayList<>());
        if (changes.isEmpty() || changes.getLast().state() != state) {
            changes.add(new ExperimentReport.StateChange(at, state));
            if (changes.size() > 1) {
                progressLine.accept(String.format("+%5.1fs %-12s %s", at.toMillis() / 1000.0, node, state.label()));
            }
        }
    }

    private void sampleQueries(Duration at)
    {
        JsonNode queries = get("/v1/query");
        if (queries == null || !queries.isArray()) {
            return;
        }
        double completed = 0;
        for (JsonNode query : queries) {
            String source = query.path("session").path("source").asText();
            if (!source.startsWith(querySource)) {
                continue;
            }
            String queryId = query.path("queryId").asText();
            if (!createdBeforeStart(query)) {
                synchronized (this) {
                    querySources.putIfAbsent(queryId, source);
                }
            }
            String state = query.path("state").asText();
            if (createdBeforeStart(query) || finishedQueries.contains(queryId)) {
                // the coordinator keeps finished queries a while: an earlier experiment's are not this one's
                continue;
            }
            boolean done = state.equals("FINISHED") || state.equals("FAILED");
            if (!done) {
                completed = Math.max(completed, query.path("queryStats").path("progressPercentage").asDouble(0) / 100.0);
            }
            sampleTasks(queryId, at);
            if (done) {
                finishedQueries.add(queryId);
            }
        }
        synchronized (this) {
            progress.add(new ExperimentReport.ProgressSample(at, Math.min(1, Math.max(0, completed)), failedTasks.size(), retriedTasks.size()));
        }
    }

    private boolean createdBeforeStart(JsonNode query)
    {
        String created = query.path("queryStats").path("createTime").asText("");
        try {
            return !created.isEmpty() && Instant.parse(created).isBefore(start.minusSeconds(1));
        }
        catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Task ids under FTE are {@code query.stage.partition.attempt}; any attempt after the first is a retry. */
    private void sampleTasks(String queryId, Duration at)
    {
        JsonNode info = get("/v1/query/" + queryId);
        if (info == null) {
            return;
        }
        List<JsonNode> tasks = new ArrayList<>();
        collectTasks(info, tasks);
        synchronized (this) {
            for (JsonNode task : tasks) {
                JsonNode status = task.get("taskStatus");
                String taskId = status.path("taskId").asText();
                String node = status.path("nodeId").asText();
                String state = status.path("state").asText();
                String failure = state.equals("FAILED") ? status.path("failures").path(0).path("message").asText("") : "";
                recordAttempt(taskId, node, state, failure, task.path("stats"), at);
                String[] parts = taskId.split("\\.");
                if (parts.length == 4 && !parts[3].equals("0")) {
                    retriedTasks.add(taskId);
                }
                if (state.equals("FAILED") && failedTasks.add(taskId)) {
                    events.add(new ExperimentReport.Event(at, EventKind.TASK_FAILED, Optional.of(node), taskId + (failure.isEmpty() ? "" : ": " + abbreviate(failure))));
                    progressLine.accept(String.format("+%5.1fs %-12s task %s failed%s", at.toMillis() / 1000.0, node, taskId, failure.isEmpty() ? "" : " (" + abbreviate(failure) + ")"));
                }
            }
        }
    }

    /**
     * Keeps the attempt's latest state. Its start and end come from the coordinator's task stats when they parse, and
     * otherwise from this sample's time, which is at most one interval late.
     */
    private void recordAttempt(String taskId, String node, String state, String failure, JsonNode stats, Duration at)
    {
        ExperimentReport.TaskAttempt seen = taskAttempts.get(taskId);
        Duration started = seen != null ? seen.started() : offset(stats.path("createTime")).orElse(at);
        Optional<Duration> ended = seen != null ? seen.ended() : Optional.empty();
        if (ended.isEmpty() && TERMINAL_TASK_STATES.contains(state)) {
            ended = Optional.of(offset(stats.path("endTime")).orElse(at));
        }
        taskAttempts.put(taskId, new ExperimentReport.TaskAttempt(taskId, node, started, ended, state, Optional.of(failure).filter(text -> !text.isEmpty())));
    }

    private Optional<Duration> offset(JsonNode time)
    {
        if (!time.isTextual()) {
            return Optional.empty();
        }
        try {
            Duration offset = Duration.between(start, OffsetDateTime.parse(time.asText()).toInstant());
            return Optional.of(offset.isNegative() ? Duration.ZERO : offset);
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The coordinator's task infos: every object that holds a {@code taskStatus} with an id and a state. */
    private static void collectTasks(JsonNode node, List<JsonNode> out)
    {
        if (node.isObject()) {
            JsonNode status = node.get("taskStatus");
            if (status != null && status.has("taskId") && status.has("state")) {
                out.add(node);
            }
            node.forEach(child -> collectTasks(child, out));
        }
        else if (node.isArray()) {
            node.forEach(child -> collectTasks(child, out));
        }
    }

    private static String abbreviate(String text)
    {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    private JsonNode get(String path)
    {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.coordinator().uri() + path))
                    .header("X-Trino-User", TrinoCluster.USER)
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        }
        catch (IOException e) {
            return null;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public synchronized void event(Instant when, EventKind kind, Optional<String> node, String detail)
    {
        events.add(new ExperimentReport.Event(Duration.between(start, when), kind, node, detail));
    }

    /** The first query of this experiment seen with {@code source}. */
    public synchronized Optional<String> queryIdOf(String source)
    {
        return querySources.entrySet().stream().filter(entry -> entry.getValue().equals(source)).map(Map.Entry::getKey).findFirst();
    }

    /** The workers that ran a task of {@code queryId}, as the coordinator lists them now; empty when it cannot tell. */
    public Optional<Set<String>> taskNodesOf(String queryId)
    {
        JsonNode info = get("/v1/query/" + queryId);
        if (info == null) {
            return Optional.empty();
        }
        List<JsonNode> tasks = new ArrayList<>();
        collectTasks(info, tasks);
        Set<String> nodes = new java.util.TreeSet<>();
        tasks.forEach(task -> nodes.add(task.get("taskStatus").path("nodeId").asText()));
        return Optional.of(nodes);
    }

    /** Whether the coordinator's last sample listed {@code node} as shutting down or gone (or drained away). */
    public synchronized boolean leftScheduling(String node)
    {
        List<ExperimentReport.StateChange> changes = states.getOrDefault(node, List.of());
        return !changes.isEmpty() && changes.getLast().state() != NodeState.ACTIVE;
    }

    public synchronized List<NodeState> statesOf(String node)
    {
        return states.getOrDefault(node, List.of()).stream().map(ExperimentReport.StateChange::state).toList();
    }

    public synchronized int failedTaskCount()
    {
        return failedTasks.size();
    }

    public synchronized int retriedTaskCount()
    {
        return retriedTasks.size();
    }

    /** The report's nodes, events and progress so far. */
    public synchronized List<ExperimentReport.Node> nodes()
    {
        List<ExperimentReport.Node> nodes = new ArrayList<>();
        for (TrinoNode node : cluster.nodes()) {
            String lifecycle = HarnessFleet.lifecycle(node) == Lifecycle.SPOT ? "spot" : "on-demand";
            nodes.add(new ExperimentReport.Node(node.name(), node.isCoordinator() ? "coordinator" : "worker", lifecycle, states.getOrDefault(node.name(), List.of())));
        }
        return nodes;
    }

    public synchronized List<ExperimentReport.Event> events()
    {
        return List.copyOf(events);
    }

    /** Every task attempt of the experiment's queries, in the order first seen. */
    public synchronized List<ExperimentReport.TaskAttempt> tasks()
    {
        return List.copyOf(taskAttempts.values());
    }

    public synchronized List<ExperimentReport.ProgressSample> progress()
    {
        return List.copyOf(progress);
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            // the last query sample may be a few intervals old: the final states of the experiment's tasks
            sample(true);
        }
        catch (RuntimeException e) {
            LOG.fine("last sample failed: " + e);
        }
    }
}
