package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

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
        Runnable refresh = () -> {
            fiveCalls.countDown();
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("worker list unavailable");
            }
        };
        try (NodeStateRefresher refresher = new NodeStateRefresher(refresh, new Duration(10, MILLISECONDS)).start()) {
            assertThat(fiveCalls.await(10, SECONDS)).isTrue();
            assertThat(refresher.failures()).isGreaterThanOrEqualTo(2);
            assertThat(refresher.refreshes()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void closeStopsRefreshing()
            throws Exception
    {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch firstCall = new CountDownLatch(1);
        NodeStateRefresher refresher = new NodeStateRefresher(() -> {
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
