package io.trinospot.watcher.monitor;

import io.trinospot.harness.imds.ManualClock;
import io.trinospot.watcher.Await;
import io.trinospot.watcher.status.WatcherMetrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TestMonitorLoop
{
    @Test
    void pollsOnAVirtualThreadSoThatItsRequestsNeedNoThreadOfTheirOwn()
    {
        List<Thread> pollers = new CopyOnWriteArrayList<>();
        NoticeMonitor monitor = new NoticeMonitor()
        {
            @Override
            public String name()
            {
                return "stub";
            }

            @Override
            public List<InterruptionEvent> poll()
            {
                pollers.add(Thread.currentThread());
                return List.of();
            }
        };
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        // Polls once, then sleeps an hour: one poll is all this looks at.
        try (MonitorLoop loop = new MonitorLoop(monitor, event -> {}, Duration.ofHours(1), Duration.ofHours(1), new ManualClock(Instant.EPOCH), new WatcherMetrics(),
                (thread, failure) -> fatal.add(failure)).start()) {
            Await.until("first poll", () -> !pollers.isEmpty());
            assertThat(loop.isAlive()).isTrue();
            assertThat(pollers.getFirst().isVirtual()).isTrue();
            assertThat(pollers.getFirst().getName()).isEqualTo("monitor-stub");
        }
        assertThat(fatal).isEmpty();
    }
}
