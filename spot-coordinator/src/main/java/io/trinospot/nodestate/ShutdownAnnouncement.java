package io.trinospot.nodestate;

import com.google.common.base.Ticker;
import io.airlift.log.Logger;
import io.trino.spi.TrinoException;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static io.trino.spi.StandardErrorCode.GENERIC_USER_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodType.methodType;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL <catalog>.system.worker_shutting_down('<node id>')}: a Spot worker's agent, having put its worker into
 * SHUTTING_DOWN, tells the coordinator at once instead of waiting for its poll. The coordinator asks that worker for
 * its state now, applies the answer and returns once the worker is no longer among its active workers (asking again
 * every 100 ms while it is), so the scheduler places nothing more
 * there, including the retries of the tasks the agent is about to fail early. It fails, naming the node, when the
 * worker is still active after the longest wait (the worker has not taken the new state, or does not answer).
 */
public final class ShutdownAnnouncement
{
    private static final Logger log = Logger.get(ShutdownAnnouncement.class);

    public static final String SCHEMA = "system";
    public static final String NAME = "worker_shutting_down";
    private static final Duration RECHECK = Duration.ofMillis(100);

    /** Waits; a test's own clock moves instead. */
    @FunctionalInterface
    public interface Sleeper
    {
        void sleep(Duration duration)
                throws InterruptedException;
    }

    /** Learns one worker's state now. */
    @FunctionalInterface
    public interface WorkerRefresh
    {
        /**
         * Asks the worker for its state, waits at most {@code maxWait} for the answer, and applies it to the node list
         * the scheduler uses; a no-op leaves it to Trino's poll.
         */
        void refresh(String nodeId, Duration maxWait)
                throws InterruptedException;
    }

    private final Supplier<Set<String>> activeWorkers;
    private final WorkerRefresh refresh;
    private final Duration maxWait;
    private final Ticker ticker;
    private final Sleeper sleeper;

    /** @param activeWorkers the ids of the workers the coordinator schedules on */
    public ShutdownAnnouncement(Supplier<Set<String>> activeWorkers, WorkerRefresh refresh, Duration maxWait, Ticker ticker, Sleeper sleeper)
    {
        this.activeWorkers = requireNonNull(activeWorkers, "activeWorkers is null");
        this.refresh = requireNonNull(refresh, "refresh is null");
        this.maxWait = requireNonNull(maxWait, "maxWait is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    public Procedure procedure()
    {
        MethodHandle handle;
        try {
            handle = MethodHandles.lookup()
                    .findVirtual(ShutdownAnnouncement.class, "workerShuttingDown", methodType(void.class, String.class))
                    .bindTo(this);
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return new Procedure(SCHEMA, NAME, List.of(new Procedure.Argument("NODE_ID", VARCHAR)), handle);
    }

    public void workerShuttingDown(String nodeId)
    {
        if (nodeId == null || nodeId.isBlank()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, NAME + ": node_id is empty");
        }
        try {
            awaitInactive(nodeId);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrinoException(GENERIC_USER_ERROR, NAME + ": interrupted while waiting for worker " + nodeId, e);
        }
    }

    private void awaitInactive(String nodeId)
            throws InterruptedException
    {
        long start = ticker.read();
        for (int asked = 1; ; asked++) {
            refresh.refresh(nodeId, maxWait.minusNanos(ticker.read() - start));
            if (!activeWorkers.get().contains(nodeId)) {
                // the coordinator's side of the announcement's latency; the agent logs the whole call's
                log.info("%s: worker %s is no longer active, %s ms after the announcement arrived (%s request(s) to it)",
                        NAME, nodeId, Duration.ofNanos(ticker.read() - start).toMillis(), asked);
                return;
            }
            Duration waited = Duration.ofNanos(ticker.read() - start);
            if (waited.compareTo(maxWait) >= 0) {
                throw new TrinoException(GENERIC_USER_ERROR, "%s: worker %s is still active on this coordinator after %s ms: it has not taken SHUTTING_DOWN, or it does not answer"
                        .formatted(NAME, nodeId, waited.toMillis()));
            }
            sleeper.sleep(RECHECK);
        }
    }
}
