package io.trinospot.noderefresh;

import com.google.common.base.Ticker;
import io.airlift.units.Duration;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.harness.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ticks run when the test moves the scheduler's clock; the waiting refresh runs only when the test runs the waiter,
 * so "a worker has not answered yet" is the test holding it back.
 */
class TestNodeStateRefresher
{
    private static final long TICK_MILLIS = 10;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ManualExecutor waiter = new ManualExecutor();
    private final List<Boolean> calls = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void captureLog()
    {
        log = new LogCapture(NodeStateRefresher.class);
    }

    @AfterEach
    void releaseLog()
    {
        log.close();
    }

    /** Holds the waiting refresh the refresher hands it until the test runs it. */
    private static final class ManualExecutor
            implements Executor
    {
        private final Deque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable command)
        {
            queued.add(command);
        }

        int queued()
        {
            return queued.size();
        }

        /** The workers answer. */
        void runQueued()
        {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    private NodeStateRefresher start(NodeStateRefresher.Refresh refresh)
    {
        return new NodeStateRefresher(refresh, new Duration(TICK_MILLIS, MILLISECONDS), scheduler, waiter, ticker(scheduler)).start();
    }

    private NodeStateRefresher startRecording()
    {
        return start(calls::add);
    }

    private void tick()
    {
        scheduler.advance(TICK_MILLIS, MILLISECONDS);
    }

    /** Ticks whose waiting refresh is answered before the next tick. */
    private void answeredTicks(int count)
    {
        for (int i = 0; i < count; i++) {
            tick();
            waiter.runQueued();
        }
    }

    private List<String> logged(String start)
    {
        return log.texts().stream().filter(message -> message.startsWith(start)).toList();
    }

    @Test
    void firstTickComesOneIntervalAfterStart()
    {
        try (NodeStateRefresher refresher = startRecording()) {
            scheduler.advance(TICK_MILLIS - 1, MILLISECONDS);
            assertThat(waiter.queued()).isZero();
            scheduler.advance(1, MILLISECONDS);
            // the tick hands the waiting refresh to the waiter rather than waiting on the ticking thread
            assertThat(waiter.queued()).isEqualTo(1);
            assertThat(calls).isEmpty();
            waiter.runQueued();
            assertThat(calls).containsExactly(true);
            assertThat(refresher.getRefreshes()).isEqualTo(1);
        }
    }

    @Test
    void keepsRefreshingAfterAFailedRefresh()
    {
        NodeStateRefresher.Refresh refresh = waitForAnswers -> {
            calls.add(waitForAnswers);
            if (calls.size() % 2 == 1) {
                throw new IllegalStateException("worker list unavailable");
            }
        };
        try (NodeStateRefresher refresher = start(refresh)) {
            answeredTicks(5);
            // a failed waiting refresh is done: the next tick waits again
            assertThat(calls).containsExactly(true, true, true, true, true);
            assertThat(refresher.getFailures()).isEqualTo(3);
            assertThat(refresher.getRefreshes()).isEqualTo(2);
            assertThat(refresher.getRefreshesWithoutWaiting()).isZero();
            assertThat(scheduler.pendingTasks()).isEqualTo(1);
        }
    }

    @Test
    void keepsTickingAfterAFailedRefreshWithoutWaiting()
    {
        NodeStateRefresher.Refresh refresh = waitForAnswers -> {
            calls.add(waitForAnswers);
            if (!waitForAnswers) {
                throw new IllegalStateException("worker list unavailable");
            }
        };
        try (NodeStateRefresher refresher = start(refresh)) {
            tick();
            tick();
            tick();
            assertThat(calls).containsExactly(false, false);
            assertThat(refresher.getFailures()).isEqualTo(2);
            assertThat(refresher.getRefreshesWithoutWaiting()).isEqualTo(2);
            // the failure is the refresh's, not the tick's: the ticks go on
            assertThat(scheduler.pendingTasks()).isEqualTo(1);
            waiter.runQueued();
            answeredTicks(1);
            assertThat(calls).containsExactly(false, false, true, true);
            assertThat(refresher.getRefreshes()).isEqualTo(2);
        }
    }

    @Test
    void refreshesWithoutWaitingWhileAWaitingRefreshIsHeldUp()
    {
        try (NodeStateRefresher refresher = startRecording()) {
            // a worker that does not answer holds the waiting refresh, as a vanished host does until the HTTP timeout
            tick();
            for (int i = 0; i < 5; i++) {
                tick();
            }
            // one waiting refresh out, and the ticks meanwhile applied what had arrived without waiting
            assertThat(waiter.queued()).isEqualTo(1);
            assertThat(calls).containsExactly(false, false, false, false, false);
            assertThat(refresher.getRefreshesWithoutWaiting()).isEqualTo(5);
            assertThat(refresher.getRefreshes()).isEqualTo(5);

            // once the worker answers, ticks wait for answers again
            waiter.runQueued();
            answeredTicks(3);
            assertThat(calls).containsExactly(false, false, false, false, false, true, true, true, true);
            assertThat(refresher.getRefreshesWithoutWaiting()).isEqualTo(5);
            assertThat(refresher.getRefreshes()).isEqualTo(9);
        }
    }

    @Test
    void waitsForAnswersOnEveryTickWhenWorkersAnswer()
    {
        try (NodeStateRefresher refresher = startRecording()) {
            answeredTicks(10);
            assertThat(calls).hasSize(10).containsOnly(true);
            assertThat(refresher.getRefreshesWithoutWaiting()).isZero();
            assertThat(refresher.getRefreshes()).isEqualTo(10);
        }
    }

    @Test
    void logsAWorkerThatDoesNotAnswerOnceAMinute()
    {
        try (NodeStateRefresher ignored = startRecording()) {
            tick();
            tick();
            assertThat(logged("A worker has not answered")).singleElement().asString().contains("for 10.00ms");
            // the first line was written at the second tick: a minute on is the tick after this advance
            scheduler.advance(SECONDS.toMillis(60) - TICK_MILLIS, MILLISECONDS);
            assertThat(logged("A worker has not answered")).hasSize(1);
            tick();
            assertThat(logged("A worker has not answered")).hasSize(2).last().asString().contains("for 1.00m");
        }
    }

    @Test
    void logsFailuresOnceAMinute()
    {
        try (NodeStateRefresher refresher = start(waitForAnswers -> {
            throw new IllegalStateException("worker list unavailable");
        })) {
            answeredTicks(1);
            assertThat(logged("Refreshing node states failed")).singleElement().asString().contains("(1 failures so far)");
            answeredTicks(5999);
            assertThat(logged("Refreshing node states failed")).hasSize(1);
            answeredTicks(1);
            assertThat(logged("Refreshing node states failed")).hasSize(2).last().asString().contains("(6001 failures so far)");
            assertThat(refresher.getFailures()).isEqualTo(6001);
        }
    }

    @Test
    void closeStopsRefreshing()
    {
        NodeStateRefresher refresher = startRecording();
        answeredTicks(1);
        assertThat(calls).containsExactly(true);
        refresher.close();
        answeredTicks(100);
        assertThat(calls).containsExactly(true);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void closeDropsAWaitingRefreshNotYetStarted()
    {
        NodeStateRefresher refresher = startRecording();
        tick();
        assertThat(waiter.queued()).isEqualTo(1);
        refresher.close();
        waiter.runQueued();
        assertThat(calls).isEmpty();
        assertThat(refresher.getRefreshes()).isZero();
    }

    /** The scheduler's time as the monotonic ticker the refresher reads. */
    static Ticker ticker(ManualScheduler scheduler)
    {
        return new Ticker()
        {
            @Override
            public long read()
            {
                return scheduler.nanoTime();
            }
        };
    }
}
