package io.trinospot.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestDrainLog
{
    @Test
    void readsTheRoundAfterTheNoticeOnly()
    {
        // Lines as the agent writes them; the first drain belongs to an earlier round.
        List<String> lines = List.of(
                "2026-12-04T00:15:29.187Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: the worker's task list in hand 1676 ms after the drain started (the request took 1674 ms): 111 tasks, 1 not done",
                "2026-12-04T00:15:29.785Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: failed task q.1.0.0 (FAIL_EARLY): pipeline 2",
                "2026-12-04T00:20:56.612Z INFO io.trinospot.watcher.monitor.MonitorLoop: spot-instance-action: new notice SpotInterruption[action=terminate]",
                "not a log line",
                "2026-12-04T00:20:58.002Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: the worker's task list in hand 1390 ms after the drain started (the request took 1301 ms): 540 tasks, 1 not done",
                "2026-12-04T00:20:58.140Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: letting task r.1.0.0 finish: pipeline 2",
                "2026-12-04T00:20:58.727Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: failed task r.1.0.0 (FAIL_EARLY): pipeline 2",
                "2026-12-04T00:21:03.002Z INFO io.trinospot.watcher.drain.TaskDrain: drain for Spot terminate notice: the worker's task list in hand 5 ms after the drain started (the request took 5 ms): 2 tasks, 0 not done");
        DrainLog drain = DrainLog.parse(lines, Instant.parse("2026-12-04T00:20:56.500Z"));
        assertThat(drain.listInHand()).contains(Duration.ofMillis(1502));
        assertThat(drain.listRequestMillis()).hasValue(1301);
        assertThat(drain.tasksListed()).hasValue(540);
        assertThat(drain.firstFailed()).contains(Duration.ofMillis(2227));
    }

    @Test
    void aDrainThatLoggedNothingHasNoFigures()
    {
        DrainLog drain = DrainLog.parse(List.of("2026-12-04T00:20:56.612Z INFO io.trinospot.watcher.monitor.MonitorLoop: new notice"), Instant.parse("2026-12-04T00:20:56.500Z"));
        assertThat(drain.listInHand()).isEmpty();
        assertThat(drain.tasksListed()).isEmpty();
        assertThat(drain.firstFailed()).isEmpty();
    }
}
