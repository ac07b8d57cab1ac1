package io.trinospot.it;

import io.trinospot.harness.QueryResult;
import io.trinospot.harness.TrinoCluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Runs one query back to back until stopped, so that there is always work in flight whenever a notice or a
 * kill lands, and records every run.
 */
final class QueryStream
        implements AutoCloseable
{
    record Run(Instant start, Instant end, Optional<QueryResult> result, Optional<RuntimeException> failure)
    {
        Run
        {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            requireNonNull(result, "result is null");
            requireNonNull(failure, "failure is null");
        }

        boolean covers(Instant moment)
        {
            return !start.isAfter(moment) && !end.isBefore(moment);
        }

        Duration wall()
        {
            return Duration.between(start, end);
        }
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread;

    QueryStream(TrinoCluster cluster, String sql)
    {
        requireNonNull(cluster, "cluster is null");
        requireNonNull(sql, "sql is null");
        this.thread = Thread.ofPlatform().daemon().name("query-stream").start(() -> {
            while (!stopping.get()) {
                Instant start = Instant.now();
                try {
                    QueryResult result = cluster.query(sql);
                    runs.add(new Run(start, Instant.now(), Optional.of(result), Optional.empty()));
                }
                catch (RuntimeException e) {
                    runs.add(new Run(start, Instant.now(), Optional.empty(), Optional.of(e)));
                }
            }
        });
    }

    List<Run> runs()
    {
        return List.copyOf(runs);
    }

    /** The run in flight at {@code moment}, once it has ended. */
    Optional<Run> runAt(Instant moment)
    {
        return runs.stream().filter(run -> run.covers(moment)).findFirst();
    }

    /** Starts no further run; the one in flight goes on. */
    void stopStarting()
    {
        stopping.set(true);
    }

    /** Whether a run is still in flight (or another may still start). */
    boolean running()
    {
        return thread.isAlive();
    }

    /** Lets the query in flight finish, then stops. */
    @Override
    public void close()
    {
        stopping.set(true);
        try {
            thread.join(Duration.ofMinutes(5));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
