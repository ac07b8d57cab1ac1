package io.trinospot.watcher.status;

import io.trinospot.harness.imds.ManualClock;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.harness.time.ManualScheduler;
import io.trinospot.watcher.FatalErrors;
import io.trinospot.watcher.trino.NodeState;
import io.trinospot.watcher.trino.TaskSnapshot;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.TrinoWorkerException.Failure;
import io.trinospot.watcher.trino.WorkerApi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TestHealth
{
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration UNHEALTHY_AFTER = Duration.ofSeconds(30);
    private static final Duration CHECK_INTERVAL = UNHEALTHY_AFTER.dividedBy(3);
    private static final Duration MILLI = Duration.ofMillis(1);
    private static final String SPOT = "spot-instance-action";
    private static final String REBALANCE = "rebalance-recommendation";

    private final ManualClock clock = new ManualClock(START);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final WatcherMetrics metrics = new WatcherMetrics();
    private final ScriptedWorker worker = new ScriptedWorker();
    private final List<String> stoppedLoops = new CopyOnWriteArrayList<>();
    private final List<Integer> exits = new ArrayList<>();

    private Health start()
    {
        Health health = new Health(UNHEALTHY_AFTER, List.of(SPOT, REBALANCE), () -> List.copyOf(stoppedLoops), metrics, worker, clock, scheduler,
                new FatalErrors(exits::add)).start();
        scheduler.runDue();
        return health;
    }

    private void imdsAnswers()
    {
        metrics.pollSucceeded(SPOT, clock.instant());
        metrics.pollSucceeded(REBALANCE, clock.instant());
    }

    @Test
    void imdsThatNeverAnswersIsUnhealthyOnceTheTimeIsUpAndHealthyWhenItAnswers()
    {
        Health health = start();
        metrics.imdsError(SPOT, "timeout", "PUT /latest/api/token: no answer within 2000 ms");
        scheduler.advance(UNHEALTHY_AFTER.minus(MILLI));
        assertThat(health.report().healthy()).as("within the time").isTrue();

        scheduler.advance(MILLI);
        Health.Report blind = health.report();
        assertThat(blind.healthy()).isFalse();
        assertThat(blind.problems()).containsExactly(
                "imds: spot-instance-action: no successful answer for 30s (none since the agent started); last error: PUT /latest/api/token: no answer within 2000 ms",
                "imds: rebalance-recommendation: no successful answer for 30s (none since the agent started)");
        assertThat(blind.prometheus()).contains("trinospot_watcher_healthy 0\n").contains("trinospot_watcher_check_healthy{check=\"imds\"} 0\n")
                .contains("trinospot_watcher_check_healthy{check=\"worker\"} 1\n");

        imdsAnswers();
        assertThat(health.report().healthy()).isTrue();
        assertThat(health.report().prometheus()).contains("trinospot_watcher_healthy 1\n");
    }

    @Test
    void oneMonitorWithoutAnswersIsEnough()
    {
        Health health = start();
        imdsAnswers();
        Instant lastSpotAnswer = clock.instant();
        for (int i = 0; i < 4; i++) {
            scheduler.advance(CHECK_INTERVAL);
            metrics.pollSucceeded(REBALANCE, clock.instant());
        }
        assertThat(health.report().problems()).containsExactly("imds: spot-instance-action: no successful answer for 40s (last at " + lastSpotAnswer + ")");
    }

    @Test
    void workerThatRejectsTheCredentialsIsUnhealthyOnceTheTimeIsUpAndHealthyWhenItTakesThem()
    {
        worker.failure = Optional.of(new TrinoWorkerException(Failure.UNAUTHORIZED,
                "GET /v1/memory answered 401 (internal token rejected: is the shared secret the worker's internal-communication.shared-secret?): "));
        try (LogCapture log = new LogCapture(Health.class)) {
            Health health = start();
            assertThat(worker.checks).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                scheduler.advance(CHECK_INTERVAL.minus(MILLI));
                imdsAnswers();
                assertThat(health.report().healthy()).as("within the time").isTrue();
                scheduler.advance(MILLI);
            }
            assertThat(worker.checks).isEqualTo(4);
            assertThat(health.report().problems()).containsExactly(
                    "worker: no access for 30s: GET /v1/memory answered 401 (internal token rejected: is the shared secret the worker's internal-communication.shared-secret?): ");

            worker.failure = Optional.empty();
            scheduler.advance(CHECK_INTERVAL);
            imdsAnswers();
            assertThat(health.report().healthy()).isTrue();
            assertThat(log.messages()).containsExactly(
                    "WARNING unhealthy: worker: no access for 30s: GET /v1/memory answered 401 (internal token rejected: is the shared secret the worker's internal-communication.shared-secret?): ",
                    "INFO healthy again");
        }
    }

    @Test
    void refusedConnectionsAndUnreadableSettingsLockOutTooButTimeoutsDoNot()
    {
        worker.failure = Optional.of(new TrinoWorkerException("GET http://127.0.0.1:8081/v1/memory: java.net.http.HttpTimeoutException: no answer within 5000 ms"));
        Health health = start();
        scheduler.advance(UNHEALTHY_AFTER.multipliedBy(3));
        imdsAnswers();
        assertThat(health.report().healthy()).as("a worker too busy to answer does not lock the agent out").isTrue();

        worker.failure = Optional.of(new TrinoWorkerException(Failure.REFUSED, "GET http://127.0.0.1:8081/v1/memory: java.net.ConnectException: Connection refused"));
        scheduler.advance(UNHEALTHY_AFTER.plus(CHECK_INTERVAL));
        imdsAnswers();
        assertThat(health.report().problems()).containsExactly("worker: no access for 30s: GET http://127.0.0.1:8081/v1/memory: java.net.ConnectException: Connection refused");

        worker.failure = Optional.of(new TrinoWorkerException(Failure.NOT_CONFIGURED,
                "worker not configured yet: no worker port: neither watcher.trino.port nor http-server.http.port in etc/config.properties\n(file not found)"));
        scheduler.advance(CHECK_INTERVAL);
        imdsAnswers();
        assertThat(health.report().problems()).as("the latest reason, on one line").containsExactly(
                "worker: no access for 40s: worker not configured yet: no worker port: neither watcher.trino.port nor http-server.http.port in etc/config.properties (file not found)");
    }

    @Test
    void stoppedPollLoopIsUnhealthyAtOnce()
    {
        Health health = start();
        imdsAnswers();
        stoppedLoops.add(SPOT);
        assertThat(health.report().problems()).containsExactly("threads: poll loop spot-instance-action has stopped");
    }

    @Test
    void aBugInACheckIsLoggedAndTheChecksGoOnButAnErrorEndsTheAgent()
    {
        worker.bug = Optional.of(new IllegalStateException("bug"));
        start();
        worker.bug = Optional.empty();
        scheduler.advance(CHECK_INTERVAL);
        assertThat(worker.checks).isEqualTo(2);
        assertThat(exits).isEmpty();

        worker.bug = Optional.of(new InternalError("broken JVM"));
        scheduler.advance(CHECK_INTERVAL);
        assertThat(exits).containsExactly(FatalErrors.EXIT_STATUS);
    }

    // Answers checkAccess as told; the health checks call nothing else.
    private static final class ScriptedWorker
            implements WorkerApi
    {
        Optional<TrinoWorkerException> failure = Optional.empty();
        Optional<Throwable> bug = Optional.empty();
        int checks;

        @Override
        public void checkAccess()
                throws TrinoWorkerException
        {
            checks++;
            if (bug.isPresent()) {
                if (bug.get() instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) bug.get();
            }
            if (failure.isPresent()) {
                throw failure.get();
            }
        }

        @Override
        public void setState(NodeState state)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<TaskSnapshot> tasks()
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<TaskSnapshot> task(String taskId)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public String failTask(String taskId, String message)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> stateSeenByCoordinator(Duration budget)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int otherActiveWorkers()
        {
            throw new UnsupportedOperationException();
        }
    }
}
