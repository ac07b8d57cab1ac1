package io.trinospot.fis.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.trinospot.fis.report.ExperimentReport.Event;
import static io.trinospot.fis.report.ExperimentReport.Node;
import static io.trinospot.fis.report.ExperimentReport.ProgressSample;
import static io.trinospot.fis.report.ExperimentReport.StateChange;
import static io.trinospot.fis.report.ExperimentReport.TaskAttempt;

/**
 * A report shaped like the AWS blog post's run: 4 Spot workers noticed at +20 s, killed at +2m20s, q39 finishing on the rest;
 * spot-3 had a task its spot-watcher failed early (rerun on core-1) and one that died with it.
 */
final class SampleReports
{
    private SampleReports() {}

    static ExperimentReport blogRun(boolean correct)
    {
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("coordinator", "coordinator", "on-demand", List.of(new StateChange(Duration.ZERO, NodeState.ACTIVE))));
        nodes.add(new Node("core-1", "worker", "on-demand", List.of(new StateChange(Duration.ZERO, NodeState.ACTIVE))));
        nodes.add(new Node("core-2", "worker", "on-demand", List.of(new StateChange(Duration.ZERO, NodeState.ACTIVE))));
        List<Event> events = new ArrayList<>();
        events.add(new Event(Duration.ZERO, EventKind.QUERY_STARTED, Optional.empty(), "TPC-DS q39 on lake.tpcds_sf1"));
        for (int i = 1; i <= 4; i++) {
            String name = "spot-" + i;
            nodes.add(new Node(name, "worker", "spot", List.of(
                    new StateChange(Duration.ZERO, NodeState.ACTIVE),
                    new StateChange(Duration.ofSeconds(22), NodeState.SHUTTING_DOWN),
                    new StateChange(Duration.ofSeconds(140), NodeState.GONE))));
            events.add(new Event(Duration.ofSeconds(20), EventKind.REBALANCE, Optional.of(name), "InterruptSpotNodes"));
            events.add(new Event(Duration.ofSeconds(20), EventKind.SPOT_NOTICE, Optional.of(name), "InterruptSpotNodes: interruption at +2:20"));
            events.add(new Event(Duration.ofSeconds(140), EventKind.INTERRUPT, Optional.of(name), "InterruptSpotNodes"));
        }
        events.add(new Event(Duration.ofSeconds(141), EventKind.TASK_FAILED, Optional.of("spot-3"), "task 20261122_1.3.0.0 failed: <REMOTE_HOST_GONE> & retried"));
        events.add(new Event(Duration.ofSeconds(190), EventKind.QUERY_FINISHED, Optional.empty(), "243 rows"));
        List<ProgressSample> progress = List.of(
                new ProgressSample(Duration.ZERO, 0, 0, 0),
                new ProgressSample(Duration.ofSeconds(60), 0.35, 0, 0),
                new ProgressSample(Duration.ofSeconds(140), 0.7, 1, 0),
                new ProgressSample(Duration.ofSeconds(150), 0.75, 1, 1),
                new ProgressSample(Duration.ofSeconds(190), 1, 1, 1));
        return new ExperimentReport("Spot interruption of all Spot workers during q39", "EMR_Trino_Interrupter",
                Instant.parse("2026-11-22T10:00:00Z"), Duration.ofSeconds(200), nodes, events, progress, tasks(),
                new ExperimentReport.Verdict(correct, correct ? "243 rows, same as the fault-free run" : "240 rows, fault-free run had 243",
                        Optional.of(Duration.ofSeconds(190)), Optional.of(Duration.ofSeconds(140))));
    }

    static List<TaskAttempt> tasks()
    {
        return List.of(
                new TaskAttempt("20261122_1.1.0.0", "spot-3", Duration.ofSeconds(2), Optional.of(Duration.ofSeconds(30)), "FINISHED"),
                new TaskAttempt("20261122_1.2.0.0", "spot-3", Duration.ofSeconds(10), Optional.of(Duration.ofMillis(25_500)), "FAILED",
                        Optional.of(ExperimentReport.SPOT_WATCHER_FAILURE + " this worker's EC2 instance will be reclaimed at 2026-11-22T10:02:20Z (spot-itn); task failed early so it is retried on another worker (no completed driver yet)")),
                new TaskAttempt("20261122_1.2.0.1", "core-1", Duration.ofSeconds(26), Optional.of(Duration.ofSeconds(70)), "FINISHED"),
                new TaskAttempt("20261122_1.3.0.0", "spot-3", Duration.ofSeconds(100), Optional.of(Duration.ofSeconds(141)), "FAILED",
                        Optional.of("Could not communicate with the remote task. The node may have crashed or be under too much load.")),
                new TaskAttempt("20261122_1.3.0.1", "core-2", Duration.ofSeconds(142), Optional.of(Duration.ofSeconds(180)), "FINISHED"),
                new TaskAttempt("20261122_1.4.0.0", "core-1", Duration.ofSeconds(150), Optional.empty(), "RUNNING"));
    }
}
