package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class TestNodeStateRefresher
{
    @Test
    void keepsRefreshingAfterAFailedRefresh()
            throws Exception
    {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch fiveCalls = new CountDownLatch(5);
        NodeStateRefresher.Refresh refresh = waitForAnswers -> {
            fiveCalls.countDown();
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("worker list unavailable");
            }
        };
        try (NodeStateRefresher refresher = new NodeStateRefresher(refresh, new Duration(10, MILLISECONDS)).start()) {
            assertThat(fiveCalls.await(10, SECONDS)).isTrue();
            assertThat(refresher.getFailures()).isGreaterThanOrEqualTo(2);
            assertThat(refresher.getRefreshes()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void refreshesWithoutWaitingWhileAWaitingRefreshIsHeldUp()
            throws Exception
    {
        // a worker that never answers holds the waiting refresh, as a vanished host does until the HTTP timeout
        CountDownLatch workerAnswers = new CountDownLatch(1);
        CountDownLatch waitingStarted = new CountDownLatch(1);
        List<Boolean> calls = new CopyOnWriteArrayList<>();
        NodeStateRefresher.Refresh refresh = waitForAnswers -> {
            calls.add(waitForAnswers);
            if (waitForAnswers) {
                waitingStarted.countDown();
                try {
                    workerAnswers.await();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (NodeStateRefresher refresher = new NodeStateRefresher(refresh, new Duration(10, MILLISECONDS)).start()) {
            assertThat(waitingStarted.await(10, SECONDS)).isTrue();
            long deadline = System.nanoTime() + SECONDS.toNanos(10);
            while (refresher.getRefreshesWithoutWaiting() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // one waiting refresh out, and the ticks meanwhile applied what had arrived without waiting
            assertThat(refresher.getRefreshesWithoutWaiting()).isGreaterThanOrEqualTo(5);
            assertThat(calls.stream().filter(Boolean::booleanValue).count()).isEqualTo(1);
            assertThat(calls.getFirst()).isTrue();

            // once the worker answers, ticks wait for answers again
            workerAnswers.countDown();
            int before = calls.size();
            deadline = System.nanoTime() + SECONDS.toNanos(10);
            while (calls.subList(before, calls.size()).stream().filter(Boolean::booleanValue).count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(calls.subList(before, calls.size()).stream().filter(Boolean::booleanValue).count()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void waitsForAnswersOnEveryTickWhenWorkersAnswer()
            throws Exception
    {
        List<Boolean> calls = new CopyOnWriteArrayList<>();
        CountDownLatch tenCalls = new CountDownLatch(10);
        try (NodeStateRefresher refresher = new NodeStateRefresher(waitForAnswers -> {
            calls.add(waitForAnswers);
            tenCalls.countDown();
        }, new Duration(10, MILLISECONDS)).start()) {
            assertThat(tenCalls.await(10, SECONDS)).isTrue();
            assertThat(calls).containsOnly(true);
            assertThat(refresher.getRefreshesWithoutWaiting()).isZero();
        }
    }

    @Test
    void closeStopsRefreshing()
            throws Exception
    {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch firstCall = new CountDownLatch(1);
        NodeStateRefresher refresher = new NodeStateRefresher(waitForAnswers -> {
            calls.incrementAndGet();
            firstCall.countDown();
        }, new Duration(10, MILLISECONDS)).start();
        assertThat(firstCall.await(10, SECONDS)).isTrue();
        refresher.close();
        Thread.sleep(50);
        int afterClose = calls.get();
        Thread.sleep(100);
        assertThat(calls.get()).isEqualTo(afterClose);
    }
}
