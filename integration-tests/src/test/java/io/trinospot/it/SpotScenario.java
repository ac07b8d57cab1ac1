package io.trinospot.it;

import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.Dataset;
import io.trinospot.harness.ExchangeKind;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.Waits;
import io.trinospot.harness.imds.SpotAction;
import io.trinospot.it.TaskTracker.TaskRecord;
import io.trinospot.watcher.trino.InternalJwt;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The Spot scenario on a real cluster: q39 runs back to back on lake tables under {@code retry-policy=TASK};
 * one worker gets a Spot notice (or, for the baseline, nothing) and is SIGKILLed when the notice's time comes.
 * Measures the drain's timings from the coordinator's and the worker's point of view.
 */
final class SpotScenario
{
    // How late a task's creation on the worker may trail the coordinator's choice of the worker (see analyse).
    private static final Duration CREATE_REQUEST_SLACK = Duration.ofSeconds(1);
    static final Dataset Q39_SF1 = Dataset.tpcds("sf1", Dataset.TPCDS_Q39_TABLES);
    private static final ObjectName NODE_MANAGER;
    // the spot-coordinator plugin's spot-node-refresh (NodeRefreshListenerFactory.OBJECT_NAME)
    private static final ObjectName NODE_REFRESH;

    static {
        try {
            NODE_MANAGER = new ObjectName("trino.node:name=CoordinatorNodeManager");
            NODE_REFRESH = new ObjectName("trino.plugin.spot:name=NodeRefresh");
        }
        catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private JMXConnector jmx;

    // Queries on system.runtime.nodes in flight at once while timing the coordinator (see run)
    private static final int COORDINATOR_POLLS_IN_FLIGHT = 6;
    private static final int WORKER_POLLS_IN_FLIGHT = 3;
    // Trino's default is 2m: with a two-minute notice the worker would still be waiting when the instance goes.
    // It must stay well above the time the coordinator takes to list the shutdown (about a second with
    // spot-node-refresh, up to 10 s with Trino's own poll alone).
    static final String WORKER_GRACE_PERIOD = "10s";

    static ClusterSpec clusterSpec()
    {
        return clusterSpec(ExchangeKind.LOCAL)
                // Trino's own JMX over RMI, for timing the node manager (shuttingDownNodeCount)
                .coordinatorJmx(true)
                .build();
    }

    /** Coordinator + 3 workers with lake tables on S3 and task retries on {@code exchange}, set up for Spot loss. */
    static ClusterSpec.Builder clusterSpec(ExchangeKind exchange)
    {
        return ClusterSpec.builder()
                .workers(3)
                .taskRetries(exchange)
                .lake(LakeStorage.S3)
                // Same as WorkerKillIT: a dead worker's tasks are given up on after 10 s (Trino's FTE default is 1m).
                .property("query.remote-task.max-error-duration", "10s")
                // Under retry-policy=TASK the coordinator holds back all scheduling of a query for retry-initial-delay
                // (default 10s, doubling up to retry-max-delay) after a task fails with an INTERNAL_ERROR or EXTERNAL
                // error, as the tasks of a worker killed without notice do (the watcher's own failures are retried at
                // once). Spot clusters want it short.
                .property("retry-initial-delay", "1s")
                .workerProperty("shutdown.grace-period", WORKER_GRACE_PERIOD)
                // spot-coordinator as trino-config renders it by default: the announcement catalog the agents call,
                // and the listener applying Trino's own poll's answers every second.
                .coordinatorNodeRefresh(NodeRefreshKeys.DEFAULT_INTERVAL);
    }

    /** Victim placeholder in a {@link RoundSpec}: the worker running the workload task that has run longest, once one has run {@link #LONG_TASK}. */
    static final String BUSIEST_WORKER = "*";
    static final Duration LONG_TASK = Duration.ofSeconds(3);

    /**
     * A query whose tasks run long, unlike q39's (all under 2 s): the scan of {@code inventory} (one task for its
     * three ORC files under FTE) hashes every row {@code hashRounds} times (SHA-256 and SHA-512 in turn) before a
     * partial aggregation, so that task runs long enough to be far from done when a notice lands, even when the
     * victim is picked late because the task tracker's queries lag (BENCHMARKS.md has the task's times). The result is deterministic (an order-insensitive {@code checksum} per warehouse, as hex
     * text so rows compare by value), so every run can be compared with a fault-free one. It names
     * {@code inv_quantity_on_hand}, which is how {@link TaskTracker} finds workload queries.
     */
    static String longTaskQuery(String schema, int hashRounds)
    {
        String hashed = "to_utf8(concat(CAST(inv.inv_item_sk AS varchar), ':', CAST(inv.inv_date_sk AS varchar), ':', CAST(inv.inv_warehouse_sk AS varchar)))";
        for (int i = 0; i < hashRounds; i++) {
            hashed = (i % 2 == 0 ? "sha256(" : "sha512(") + hashed + ")";
        }
        return """
                SELECT w.w_warehouse_name, count(*) AS row_count, sum(inv.inv_quantity_on_hand) AS quantity,
                       to_hex(checksum(%2$s)) AS digest
                FROM %1$s.inventory inv
                JOIN %1$s.warehouse w ON inv.inv_warehouse_sk = w.w_warehouse_sk
                GROUP BY w.w_warehouse_name
                """.formatted(schema, hashed);
    }

    /**
     * Rebalance draining is off by default; these clusters turn it on, with a floor their 3 workers satisfy: a worker
     * that gets a recommendation still has 2 other active ones.
     */
    static Map<String, String> watcherSettings(Duration undrainAfter)
    {
        return Map.of(
                "watcher.rebalance.drain-enabled", "true",
                "watcher.rebalance.min-active-workers", "2",
                // one worker at a time gets a recommendation here: no pool to spread over time
                "watcher.rebalance.max-delay", "0s",
                "watcher.rebalance.undrain-after", undrainAfter.toSeconds() + "s");
    }

    /**
     * @param notice whether the victim's emulator posts a Spot notice (false: the baseline, the worker is just killed)
     * @param compressedBaseline baseline only: kill as soon as the victim runs q39 tasks and treat that moment
     * minus the window as the notice, instead of waiting out the window (nothing reacts during it without a watcher)
     */
    record RoundSpec(String victim, Duration window, boolean notice, boolean compressedBaseline)
    {
        RoundSpec
        {
            requireNonNull(victim, "victim is null");
            requireNonNull(window, "window is null");
        }
    }

    /**
     * One round's measurements. Optional latencies are empty when the event never happened (e.g. no notice).
     *
     * @param workerShutdownLatency notice posted → the worker itself reports SHUTTING_DOWN
     * @param coordinatorShutdownLatency notice posted → {@code system.runtime.nodes} shows shutting_down
     * @param doomedTasks victim tasks that did not finish there (failed by the watcher or lost in the kill)
     * @param notRescheduled doomed tasks of which no later attempt was seen on another worker
     * @param lastRescheduleLatency notice → the last doomed task's new attempt was created elsewhere
     * @param startedAfterShutdownVisible victim tasks created after the coordinator showed it shutting_down
     * @param thrownAwaySeconds wall seconds of work done by the doomed tasks on the victim
     * @param victimExitedBeforeKill whether the worker had already exited (graceful shutdown) when its time came
     */
    record RoundResult(
            RoundSpec spec,
            Instant notice,
            Instant kill,
            Optional<Duration> workerShutdownLatency,
            Optional<Duration> coordinatorShutdownLatency,
            Optional<Duration> schedulerShutdownLatency,
            int doomedTasks,
            int notRescheduled,
            Optional<Duration> lastRescheduleLatency,
            int failedOnVictimBeforeCutoff,
            List<String> startedAfterShutdownVisible,
            double thrownAwaySeconds,
            Optional<Duration> queryAtNoticeWall,
            Optional<Duration> queryAtKillWall,
            int queries,
            int queryFailures,
            boolean victimExitedBeforeKill)
    {
        String summary()
        {
            return "%s %s: worker shutting down %s, coordinator %s (node manager %s); doomed tasks %d (not rescheduled %d), last rescheduled %s; started after shutdown visible %d; thrown away %.1f task-s; query at notice %s, at kill %s; %d queries, %d failed; exited before kill %s"
                    .formatted(spec.notice() ? "notice" : "baseline", spec.victim(), ms(workerShutdownLatency), ms(coordinatorShutdownLatency),
                            ms(schedulerShutdownLatency), doomedTasks, notRescheduled, ms(lastRescheduleLatency), startedAfterShutdownVisible.size(), thrownAwaySeconds,
                            ms(queryAtNoticeWall), ms(queryAtKillWall), queries, queryFailures, victimExitedBeforeKill);
        }
    }

    private final TrinoCluster cluster;
    private final SpotFleet fleet;
    private final String sql;
    private final QueryResult reference;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).proxy(HttpClient.Builder.NO_PROXY).build();

    SpotScenario(TrinoCluster cluster, SpotFleet fleet, String sql, QueryResult reference)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.fleet = requireNonNull(fleet, "fleet is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.reference = requireNonNull(reference, "reference is null");
    }

    RoundResult run(RoundSpec requested)
    {
        try (TaskTracker tracker = new TaskTracker(cluster, Duration.ofMillis(500))) {
            QueryStream stream = new QueryStream(cluster, sql);
            RoundSpec spec = requested;
            Instant notice;
            Instant kill;
            CompletableFuture<Optional<Instant>> workerShutdownAt = CompletableFuture.completedFuture(Optional.empty());
            CompletableFuture<Optional<Instant>> coordinatorShutdownAt = CompletableFuture.completedFuture(Optional.empty());
            CompletableFuture<Optional<Instant>> schedulerShutdownAt = CompletableFuture.completedFuture(Optional.empty());
            boolean exitedBeforeKill = false;
            try {
                // Strike while the victim is busy with the workload, so there is work to lose or to move.
                if (requested.victim().equals(BUSIEST_WORKER)) {
                    Waits.until("a workload task running for " + LONG_TASK.toSeconds() + " s", Duration.ofMinutes(5), null, () -> busiestWorker(tracker).isPresent());
                    spec = new RoundSpec(busiestWorker(tracker).orElseThrow(), requested.window(), requested.notice(), requested.compressedBaseline());
                }
                else {
                    Waits.until("a running workload task on " + requested.victim(), Duration.ofMinutes(3), null,
                            () -> tracker.tasks().stream().anyMatch(task -> task.node().equals(requested.victim()) && task.state().equals("RUNNING")));
                }
                String victim = spec.victim();
                if (spec.notice()) {
                    int shuttingDownBefore = shuttingDownNodeCount().orElse(0);
                    notice = Instant.now();
                    fleet.imds(victim).postSpotNotice(SpotAction.TERMINATE, notice.plus(spec.window()));
                    // Two pollers of their own: a slow coordinator query must not delay seeing the worker's state.
                    Instant watchUntil = notice.plus(Duration.ofSeconds(15));
                    // Overlapping too: one request held up on the loaded worker delayed the next (seen: measured
                    // +2.03 s for a worker the coordinator's node manager already listed at +1.89 s).
                    workerShutdownAt = firstTimeOverlapping(watchUntil, Duration.ofMillis(20), WORKER_POLLS_IN_FLIGHT,
                            () -> workerState(victim).filter("SHUTTING_DOWN"::equals).isPresent());
                    // A query on a busy coordinator takes up to a second; polled one after another, the first one to
                    // see the change would often have started long after it (seen: listed at +1.08 s, measured +2.05 s).
                    // Overlapping queries, one started every 100 ms, keep the measured time close to the real one; it
                    // is the end of the first query that saw the change, so still an upper bound.
                    coordinatorShutdownAt = firstTimeOverlapping(watchUntil, Duration.ofMillis(100), COORDINATOR_POLLS_IN_FLIGHT,
                            () -> "shutting_down".equals(nodeState(victim)));
                    // The coordinator's node manager itself, over JMX: the list the scheduler and system.runtime.nodes
                    // both read, without a query's latency. Only the victim changes state in a round.
                    schedulerShutdownAt = firstTime(watchUntil, Duration.ofMillis(20),
                            () -> shuttingDownNodeCount().filter(count -> count > shuttingDownBefore).isPresent());
                    Instant due = notice.plus(spec.window());
                    while (Instant.now().isBefore(due) && cluster.node(victim).isAlive()) {
                        Waits.sleep(Duration.ofMillis(200));
                    }
                    exitedBeforeKill = !cluster.node(victim).isAlive();
                    kill = Instant.now();
                    cluster.kill(victim);
                }
                else {
                    if (spec.compressedBaseline()) {
                        kill = Instant.now();
                        notice = kill.minus(spec.window());
                    }
                    else {
                        notice = Instant.now();
                        Waits.sleep(spec.window());
                        kill = Instant.now();
                    }
                    cluster.kill(victim);
                }
                // Let the query in flight at the kill finish; none starts after it (a long query would only add its
                // own minutes to the round).
                stream.stopStarting();
                Waits.until("the query in flight at the kill to end", Duration.ofMinutes(5), null, () -> !stream.running());
            }
            finally {
                stream.close();
            }
            tracker.poll();
            Map<String, Instant> failedByWatcher = spec.notice() ? failedByWatcher(spec.victim(), notice) : Map.of();
            return analyse(spec, notice, kill, workerShutdownAt.join(), coordinatorShutdownAt.join(), schedulerShutdownAt.join(), exitedBeforeKill, stream.runs(), tracker.tasks(), failedByWatcher);
        }
    }

    /**
     * The node of the workload task that has been running longest, if one has run for at least {@link #LONG_TASK} and
     * spent as much CPU: a task that only waits (the small join side's scan, slow on a cold cluster: seen running
     * 4 s) is not the long work, which starts on another worker after it.
     */
    private Optional<String> busiestWorker(TaskTracker tracker)
    {
        Instant startedBefore = Instant.now().minus(LONG_TASK);
        return tracker.tasks().stream()
                .filter(task -> task.state().equals("RUNNING") && task.start().isPresent() && task.start().get().isBefore(startedBefore))
                .filter(task -> task.splitCpu().compareTo(LONG_TASK) >= 0)
                .filter(task -> cluster.node(task.node()).isAlive())
                .min(Comparator.comparing(task -> task.start().get()))
                .map(TaskRecord::node);
    }

    private static final Pattern WATCHER_FAILED_TASK = Pattern.compile("^(\\S+) INFO \\S+TaskDrain: drain for .*: failed task (\\S+) \\((FAIL_EARLY|FAIL_AT_CUTOFF)\\)");

    /**
     * Tasks the victim's watcher failed since the notice, with the time it did, from its log. Once the coordinator
     * shows a worker shutting down, {@code system.runtime.tasks} no longer lists that worker's tasks, so their final
     * FAILED state is often never seen there; the watcher's own record of what it failed is exact.
     */
    private Map<String, Instant> failedByWatcher(String victim, Instant notice)
    {
        Map<String, Instant> failed = new LinkedHashMap<>();
        for (String line : fleet.watcher(victim).logTail(5000).split("\n")) {
            Matcher matcher = WATCHER_FAILED_TASK.matcher(line);
            if (!matcher.find()) {
                continue;
            }
            try {
                Instant at = Instant.parse(matcher.group(1));
                if (!at.isBefore(notice.minusSeconds(1))) {
                    failed.putIfAbsent(matcher.group(2), at);
                }
            }
            catch (DateTimeException e) {
                // not one of the agent's log lines
            }
        }
        return failed;
    }

    private RoundResult analyse(RoundSpec spec, Instant notice, Instant kill, Optional<Instant> workerShutdownAt, Optional<Instant> coordinatorShutdownAt, Optional<Instant> schedulerShutdownAt,
            boolean exitedBeforeKill, List<QueryStream.Run> runs, List<TaskRecord> allTasks, Map<String, Instant> failedByWatcher)
    {
        int failures = 0;
        for (QueryStream.Run run : runs) {
            if (run.failure().isPresent()) {
                failures++;
                System.out.println("q39 failed: " + run.failure().get());
                continue;
            }
            ResultComparison.assertSameRows(reference, run.result().orElseThrow());
        }
        Set<String> queryIds = runs.stream().flatMap(run -> run.result().stream()).map(QueryResult::queryId).collect(Collectors.toSet());
        List<TaskRecord> tasks = allTasks.stream().filter(task -> queryIds.contains(task.queryId())).toList();
        List<TaskRecord> onVictim = tasks.stream().filter(task -> task.node().equals(spec.victim())).toList();
        // A worker that exited on its own did so through Trino's graceful shutdown, which waits for every task it
        // still runs; its last tasks vanish from system.runtime.tasks with it, so their final FINISHED is never
        // seen. There only the tasks the watcher failed are doomed. A killed worker's unfinished tasks are all doomed.
        List<TaskRecord> doomed = new ArrayList<>(onVictim.stream()
                .filter(task -> exitedBeforeKill ? task.state().equals("FAILED") || failedByWatcher.containsKey(task.taskId()) : !task.finished())
                .toList());
        // A task the watcher failed between two polls of the tracker (never listed): it is known by its id alone.
        Set<String> known = doomed.stream().map(TaskRecord::taskId).collect(Collectors.toSet());
        failedByWatcher.forEach((taskId, at) -> {
            if (!known.contains(taskId) && queryIds.contains(taskId.substring(0, taskId.indexOf('.')))) {
                doomed.add(new TaskRecord(spec.victim(), taskId, "FAILED", at, Optional.empty(), Optional.of(at), at, Duration.ZERO));
            }
        });

        int notRescheduled = 0;
        Optional<Instant> lastRescheduled = Optional.empty();
        for (TaskRecord task : doomed) {
            Optional<TaskRecord> retry = tasks.stream()
                    .filter(other -> other.work().equals(task.work()) && other.attempt() > task.attempt() && !other.node().equals(spec.victim()))
                    .min(Comparator.comparing(TaskRecord::created));
            if (retry.isEmpty()) {
                notRescheduled++;
                System.out.println("no retry seen for " + task);
                continue;
            }
            if (lastRescheduled.isEmpty() || retry.get().created().isAfter(lastRescheduled.get())) {
                lastRescheduled = Optional.of(retry.get().created());
            }
        }
        Instant cutoff = notice.plus(spec.window()).minusSeconds(15);
        Set<String> failedBefore = new java.util.HashSet<>();
        onVictim.stream().filter(task -> task.state().equals("FAILED") && task.end().map(end -> end.isBefore(cutoff)).orElse(false)).forEach(task -> failedBefore.add(task.taskId()));
        failedByWatcher.forEach((taskId, at) -> {
            // Workload tasks only: the watcher also fails the harness's own system-table queries' tasks on the victim.
            if (at.isBefore(cutoff) && queryIds.contains(taskId.substring(0, taskId.indexOf('.')))) {
                failedBefore.add(taskId);
            }
        });
        int failedBeforeCutoff = failedBefore.size();
        // A task's created time is stamped by the worker when the coordinator's create request arrives, which is after
        // the coordinator chose the node, possibly on the node list from before its refresh (seen: created 30 ms after
        // the coordinator listed the worker as shutting down). So "started after" counts tasks created later than that.
        List<String> startedAfter = coordinatorShutdownAt
                .map(visible -> onVictim.stream().filter(task -> task.created().isAfter(visible.plus(CREATE_REQUEST_SLACK))).map(TaskRecord::taskId).toList())
                .orElse(List.of());
        // Work of a task the watcher failed ends when it was failed, whatever the tracker last saw.
        double thrownAway = doomed.stream().mapToDouble(task -> task.workSeconds(Optional.ofNullable(failedByWatcher.get(task.taskId())).orElse(kill))).sum();
        List<TaskRecord> sorted = new ArrayList<>(onVictim);
        sorted.sort(Comparator.comparing(TaskRecord::created));
        sorted.forEach(task -> System.out.println("  victim task " + task));

        return new RoundResult(
                spec,
                notice,
                kill,
                workerShutdownAt.map(at -> Duration.between(notice, at)),
                coordinatorShutdownAt.map(at -> Duration.between(notice, at)),
                schedulerShutdownAt.map(at -> Duration.between(notice, at)),
                doomed.size(),
                notRescheduled,
                lastRescheduled.map(at -> Duration.between(notice, at)),
                failedBeforeCutoff,
                startedAfter,
                thrownAway,
                spec.notice() ? find(runs, notice) : Optional.empty(),
                find(runs, kill),
                runs.size(),
                failures,
                exitedBeforeKill);
    }

    /** Polls {@code condition} on a thread of its own; completes with the first time it held, or empty at {@code until}. */
    private static CompletableFuture<Optional<Instant>> firstTime(Instant until, Duration interval, BooleanSupplier condition)
    {
        return CompletableFuture.supplyAsync(() -> {
            while (Instant.now().isBefore(until)) {
                if (condition.getAsBoolean()) {
                    return Optional.of(Instant.now());
                }
                Waits.sleep(interval);
            }
            return Optional.empty();
        }, runnable -> Thread.ofVirtual().start(runnable));
    }

    /** Like {@link #firstTime}, but starts a check every {@code interval} without waiting for the ones in flight (at most {@code maxInFlight}). */
    private static CompletableFuture<Optional<Instant>> firstTimeOverlapping(Instant until, Duration interval, int maxInFlight, BooleanSupplier condition)
    {
        CompletableFuture<Optional<Instant>> first = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Semaphore slots = new Semaphore(maxInFlight);
            while (!first.isDone() && Instant.now().isBefore(until)) {
                if (slots.tryAcquire()) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            if (condition.getAsBoolean()) {
                                first.complete(Optional.of(Instant.now()));
                            }
                        }
                        finally {
                            slots.release();
                        }
                    });
                }
                Waits.sleep(interval);
            }
            // checks still in flight at the end may yet complete it; wait for them before giving up
            slots.acquireUninterruptibly(maxInFlight);
            first.complete(Optional.empty());
        });
        return first;
    }

    private static Optional<Duration> find(List<QueryStream.Run> runs, Instant moment)
    {
        return runs.stream().filter(run -> run.covers(moment)).findFirst().map(QueryStream.Run::wall);
    }

    /** Trino's node manager on the coordinator: how many workers it lists as shutting down; empty if JMX does not answer. */
    Optional<Integer> shuttingDownNodeCount()
    {
        return coordinatorAttribute(NODE_MANAGER, "ShuttingDownNodeCount", Integer.class);
    }

    /** spot-node-refresh on the coordinator: how many refreshes it has made; empty if JMX does not answer. */
    Optional<Long> nodeRefreshes()
    {
        return coordinatorAttribute(NODE_REFRESH, "Refreshes", Long.class);
    }

    private <T> Optional<T> coordinatorAttribute(ObjectName name, String attribute, Class<T> type)
    {
        try {
            return Optional.of(type.cast(coordinatorJmx().getAttribute(name, attribute)));
        }
        catch (Exception e) {
            closeJmx();
            return Optional.empty();
        }
    }

    private synchronized MBeanServerConnection coordinatorJmx()
            throws IOException
    {
        if (jmx == null) {
            jmx = JMXConnectorFactory.connect(cluster.coordinatorJmxUrl().orElseThrow(() -> new IOException("the cluster has no coordinator JMX")));
        }
        return jmx.getMBeanServerConnection();
    }

    private synchronized void closeJmx()
    {
        if (jmx != null) {
            try {
                jmx.close();
            }
            catch (IOException ignored) {
                // reconnects on the next read
            }
            jmx = null;
        }
    }

    /** The worker's own state, as its HTTP API reports it (internal token: the endpoint is not public). */
    Optional<String> workerState(String worker)
    {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.node(worker).uri() + "/v1/info/state"))
                    .timeout(Duration.ofSeconds(1))
                    .header(InternalJwt.HEADER, new InternalJwt(cluster.sharedSecret(), "harness").mint(Instant.now(), Duration.ofMinutes(5)))
                    .GET()
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(response.body().replace("\"", "").trim());
        }
        catch (IOException e) {
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The coordinator's view of a node's state, or null if it does not list it. */
    String nodeState(String worker)
    {
        try {
            return cluster.nodeStates().get(worker);
        }
        catch (RuntimeException e) {
            return null;
        }
    }

    static String ms(Optional<Duration> duration)
    {
        return duration.map(value -> value.toMillis() + " ms").orElse("-");
    }
}
