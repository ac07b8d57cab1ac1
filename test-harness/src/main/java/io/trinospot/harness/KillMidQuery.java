package io.trinospot.harness;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * A query started on a cluster and a worker SIGKILLed while the coordinator listed an unfinished task of that query on
 * it, so the kill destroys in-flight work and spooled output.
 *
 * @param result the run the kill hit
 * @param killedAtNanos {@link System#nanoTime()} just before the kill
 * @param missedRuns runs that ended before a task of theirs was seen on the worker
 */
public record KillMidQuery(CompletableFuture<QueryResult> result, long killedAtNanos, int missedRuns)
{
    private static final Logger LOG = Logger.getLogger(KillMidQuery.class.getName());

    public KillMidQuery
    {
        requireNonNull(result, "result is null");
    }

    /**
     * Starts {@code sql} and kills {@code worker} once it holds an unfinished task of a running query whose text
     * contains {@code marker}. The check samples the coordinator's task list and short tasks can start and end between
     * two samples, so a run may finish first; such a run must give {@code reference}'s rows, and the query starts again,
     * at most {@code maxRuns} runs in all.
     *
     * @throws AssertionError when a missed run's rows differ from {@code reference}, or every run was missed
     */
    public static KillMidQuery start(TrinoCluster cluster, String sql, String worker, String marker, QueryResult reference, int maxRuns)
    {
        requireNonNull(reference, "reference is null");
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be at least 1: " + maxRuns);
        }
        for (int run = 1; run <= maxRuns; run++) {
            CompletableFuture<QueryResult> running = CompletableFuture.supplyAsync(() -> cluster.query(sql));
            Waits.until("an unfinished task of the query on " + worker, Duration.ofSeconds(60), null,
                    () -> running.isDone() || cluster.unfinishedTasksOn(worker, marker) > 0);
            if (!running.isDone()) {
                long killedAt = System.nanoTime();
                cluster.kill(worker);
                return new KillMidQuery(running, killedAt, run - 1);
            }
            // join() rethrows the run's failure: a missed run must still have succeeded
            QueryResult missed = running.join();
            ResultComparison.assertSameRows(reference, missed);
            LOG.info("Run %d of the query finished (%d ms) before a task of it was seen on %s".formatted(run, missed.wallTime().toMillis(), worker));
        }
        throw new AssertionError("The query finished %d times before a task of it was seen on %s".formatted(maxRuns, worker));
    }
}
