package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import io.trinospot.harness.logging.LogCapture;
import io.trinospot.harness.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static io.trinospot.noderefresh.TestNodeStateRefresher.ticker;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class TestAnswerApplier
{
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger applied = new AtomicInteger();

    @Test
    void appliesOncePerIntervalFromTheFirstIntervalOn()
    {
        try (AnswerApplier applier = new AnswerApplier(applied::incrementAndGet, new Duration(1, SECONDS), scheduler, ticker(scheduler)).start()) {
            scheduler.advance(999, MILLISECONDS);
            assertThat(applied).hasValue(0);
            scheduler.advance(1, MILLISECONDS);
            assertThat(applied).hasValue(1);
            scheduler.advance(3, SECONDS);
            assertThat(applied).hasValue(4);
            assertThat(applier.getRefreshes()).isEqualTo(4);
        }
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void aFailureIsCountedLoggedOnceAMinuteAndTheTicksGoOn()
    {
        Runnable failing = () -> {
            applied.incrementAndGet();
            throw new IllegalStateException("node list unavailable");
        };
        try (LogCapture log = new LogCapture(AnswerApplier.class);
                AnswerApplier applier = new AnswerApplier(failing, new Duration(1, SECONDS), scheduler, ticker(scheduler)).start()) {
            scheduler.advance(5, SECONDS);
            assertThat(applied).hasValue(5);
            assertThat(applier.getFailures()).isEqualTo(5);
            assertThat(applier.getRefreshes()).isZero();
            assertThat(log.texts()).hasSize(1);
            assertThat(log.texts().getFirst()).contains("(1 failures so far)", "Trino's own poll still runs");
            scheduler.advance(60, SECONDS);
            assertThat(log.texts()).hasSize(2);
        }
    }
}
