package io.trinospot.watcher;

import io.trinospot.harness.imds.ManualClock;
import io.trinospot.watcher.monitor.MonitorLoop;
import io.trinospot.watcher.monitor.NoticeMonitor;
import io.trinospot.watcher.status.WatcherMetrics;
import io.trinospot.harness.logging.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TestFatalErrors
{
    @Test
    void logsTheErrorAndExitsWithANonZeroStatus()
    {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        try (LogCapture log = new LogCapture(FatalErrors.class)) {
            new FatalErrors(exits::add).uncaughtException(new Thread(() -> {}, "drain"), new OutOfMemoryError("Java heap space"));
            assertThat(log.messages()).singleElement().asString().contains("SEVERE", "OutOfMemoryError", "drain", "exiting");
        }
        assertThat(exits).containsExactly(FatalErrors.EXIT_STATUS);
        assertThat(FatalErrors.EXIT_STATUS).isNotZero();
    }

    @Test
    void anErrorOnAMonitorThreadExitsTheProcess()
    {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        NoticeMonitor broken = new NoticeMonitor()
        {
            @Override
            public String name()
            {
                return "broken";
            }

            @Override
            public List<io.trinospot.watcher.monitor.InterruptionEvent> poll()
            {
                throw new StackOverflowError();
            }
        };
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
        MonitorLoop loop = new MonitorLoop(broken, event -> {}, Duration.ofMillis(10), Duration.ofMillis(10), clock, new WatcherMetrics(), new FatalErrors(exits::add));
        try {
            loop.start();
            // The thread ends on the error; the handler runs on it just before.
            Await.until("the fatal handler ran", () -> !exits.isEmpty());
            assertThat(exits).containsExactly(FatalErrors.EXIT_STATUS);
        }
        finally {
            loop.close();
        }
    }
}
