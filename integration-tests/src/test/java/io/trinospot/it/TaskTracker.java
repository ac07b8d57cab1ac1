package io.trinospot.it;

import io.trinospot.harness.QueryResult;
import io.trinospot.harness.TrinoCluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Polls {@code system.runtime.tasks} for the tasks of running workload queries and keeps the last snapshot of each
 * task, so that tasks of a worker that has been killed (and vanished from the table) are still known afterwards.
 */
final class TaskTracker
        implements AutoCloseable
{
    // Workload queries only (q39 reads inventory; the tracker's own queries mention system.runtime), recent
    // ones only, finished included so the final state of every task is seen.
    private static final String SQL = """
            SELECT t.node_id, t.task_id, t.state, to_unixtime(t.created), to_unixtime(t.start), to_unixtime(t."end"), t.split_cpu_time_ms
            FROM system.runtime.tasks t
            WHERE t.query_id IN (SELECT query_id FROM system.runtime.queries
                WHERE query LIKE '%inv_quantity_on_hand%' AND query NOT LIKE '%system.runtime%')
            AND t.created > current_timestamp - INTERVAL '4' MINUTE
            """;

    /** Last seen state of one task attempt. Times are the worker's, as epoch instants. */
    record TaskRecord(String node, String taskId, String state, Instant created, Optional<Instant> start, Optional<Instant> end, Instant lastSeen, Duration splitCpu)
    {
        TaskRecord
        {
            requireNonNull(node, "node is null");
            requireNonNull(taskId, "taskId is null");
            requireNonNull(state, "state is null");
            requireNonNull(created, "created is null");
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            requireNonNull(lastSeen, "lastSeen is null");
            requireNonNull(splitCpu, "splitCpu is null");
        }

        String queryId()
        {
            return taskId.substring(0, taskId.indexOf('.'));
        }

        /** query.stage.partition: the same work in every attempt. */
        String work()
        {
            return taskId.substring(0, taskId.lastIndexOf('.'));
        }

        int attempt()
        {
            return Integer.parseInt(taskId.substring(taskId.lastIndexOf('.') + 1));
        }

        boolean finished()
        {
            return state.equals("FINISHED");
        }

        /** Seconds of work done by this attempt up to its end, or up to {@code lostAt} if it never ended. */
        double workSeconds(Instant lostAt)
        {
            Instant from = start.orElse(created);
            Instant to = end.orElse(lastSeen.isAfter(lostAt) ? lastSeen : lostAt);
            return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
        }
    }

    private final TrinoCluster cluster;
    private final Map<String, TaskRecord> tasks = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong polls = new AtomicLong();
    private final Thread thread;

    TaskTracker(TrinoCluster cluster, Duration interval)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.thread = Thread.ofPlatform().daemon().name("task-tracker").start(() -> {
            while (running.get()) {
                poll();
                try {
                    Thread.sleep(interval);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void poll()
    {
        QueryResult result;
        try {
            result = cluster.query(SQL);
        }
        catch (RuntimeException e) {
            // A node going away can fail one poll; the next one sees the rest.
            return;
        }
        Instant now = Instant.now();
        for (List<Object> row : result.rows()) {
            String taskId = (String) row.get(1);
            tasks.merge(taskId, new TaskRecord((String) row.get(0), taskId, (String) row.get(2), instant(row.get(3)).orElse(now),
                    instant(row.get(4)), instant(row.get(5)), now, Duration.ofMillis(row.get(6) == null ? 0 : ((Number) row.get(6)).longValue())), (old, fresh) -> fresh);
        }
        polls.incrementAndGet();
    }

    private static Optional<Instant> instant(Object epochSeconds)
    {
        if (epochSeconds instanceof Number number) {
            return Optional.of(Instant.ofEpochMilli(Math.round(number.doubleValue() * 1000)));
        }
        return Optional.empty();
    }

    List<TaskRecord> tasks()
    {
        return List.copyOf(tasks.values());
    }

    long polls()
    {
        return polls.get();
    }

    void clear()
    {
        tasks.clear();
    }

    @Override
    public void close()
    {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(5000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
