package io.trinospot.fis.report;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything one experiment run produced, in offsets from {@code startedAt}: what each node went through, what the
 * experiment did, how the query progressed, the task attempts the coordinator ran, and whether the query's answer was
 * right.
 *
 * @param length how long the run lasted; the timeline's width
 * @param tasks every task attempt of the experiment's queries; reports written before attempts were recorded have none
 */
public record ExperimentReport(
        String title,
        String template,
        Instant startedAt,
        Duration length,
        List<Node> nodes,
        List<Event> events,
        List<ProgressSample> progress,
        @JsonSetter(nulls = Nulls.AS_EMPTY) List<TaskAttempt> tasks,
        Verdict verdict)
{
    public ExperimentReport
    {
        requireNonNull(title, "title is null");
        requireNonNull(template, "template is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(length, "length is null");
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        events = List.copyOf(requireNonNull(events, "events is null"));
        progress = List.copyOf(requireNonNull(progress, "progress is null"));
        tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
        requireNonNull(verdict, "verdict is null");
    }

    /** When {@code node} first had an event of one of {@code kinds}; empty when it had none. */
    public Optional<Duration> firstEvent(String node, EventKind... kinds)
    {
        List<EventKind> wanted = List.of(kinds);
        return events.stream()
                .filter(event -> wanted.contains(event.kind()) && event.node().filter(node::equals).isPresent())
                .map(Event::at)
                .min(Duration::compareTo);
    }

    /** How a spot-watcher's failure message of a task on a doomed worker begins (spot-watcher's {@code TaskDrain}). */
    public static final String SPOT_WATCHER_FAILURE = "Spot interruption:";

    /**
     * A node and the states it went through.
     *
     * @param role coordinator, worker, ...
     * @param lifecycle spot or on-demand
     * @param states each change of state; a state lasts until the next one or the end of the run
     */
    public record Node(String name, String role, String lifecycle, List<StateChange> states)
    {
        public Node
        {
            requireNonNull(name, "name is null");
            requireNonNull(role, "role is null");
            requireNonNull(lifecycle, "lifecycle is null");
            states = List.copyOf(requireNonNull(states, "states is null"));
        }
    }

    public record StateChange(Duration at, NodeState state)
    {
        public StateChange
        {
            requireNonNull(at, "at is null");
            requireNonNull(state, "state is null");
        }
    }

    /** @param node the node it concerns; empty for query-wide events */
    public record Event(Duration at, EventKind kind, Optional<String> node, String detail)
    {
        public Event
        {
            requireNonNull(at, "at is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(node, "node is null");
            requireNonNull(detail, "detail is null");
        }
    }

    /**
     * The query's progress at one moment.
     *
     * @param completed fraction of splits completed, 0 to 1
     * @param tasksFailed tasks failed so far
     * @param tasksRetried tasks rescheduled after a failure so far
     */
    public record ProgressSample(Duration at, double completed, int tasksFailed, int tasksRetried)
    {
        public ProgressSample
        {
            requireNonNull(at, "at is null");
            if (completed < 0 || completed > 1) {
                throw new IllegalArgumentException("completed must be between 0 and 1");
            }
        }
    }

    /**
     * One attempt of one task, as the coordinator reported it.
     *
     * @param taskId {@code query.stage.partition.attempt}, as Trino names task attempts under fault-tolerant execution
     * @param node the worker it ran on
     * @param started when it was created
     * @param ended when it reached its final state; empty while it ran (or when the run ended first)
     * @param state its last state seen: FINISHED, FAILED, ABORTED, CANCELED, RUNNING, ...
     * @param failure the first failure's message of a FAILED attempt, when the coordinator gave one
     */
    public record TaskAttempt(String taskId, String node, Duration started, Optional<Duration> ended, String state, @JsonSetter(nulls = Nulls.AS_EMPTY) Optional<String> failure)
    {
        public TaskAttempt
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(node, "node is null");
            requireNonNull(started, "started is null");
            requireNonNull(ended, "ended is null");
            requireNonNull(state, "state is null");
            requireNonNull(failure, "failure is null");
        }

        public TaskAttempt(String taskId, String node, Duration started, Optional<Duration> ended, String state)
        {
            this(taskId, node, started, ended, state, Optional.empty());
        }

        /** Failed by a spot-watcher: the message it gives every task it fails on a doomed worker. */
        public boolean failedBySpotWatcher()
        {
            return state.equals("FAILED") && failure.filter(message -> message.startsWith(SPOT_WATCHER_FAILURE)).isPresent();
        }

        /** The task without the attempt number: every attempt of one task shares it. */
        public String task()
        {
            int dot = taskId.lastIndexOf('.');
            return dot < 0 ? taskId : taskId.substring(0, dot);
        }

        /** The attempt number, 0 for the first; -1 when the id is not {@code query.stage.partition.attempt}. */
        public int attempt()
        {
            String[] parts = taskId.split("\\.");
            if (parts.length != 4) {
                return -1;
            }
            try {
                return Integer.parseInt(parts[3]);
            }
            catch (NumberFormatException e) {
                return -1;
            }
        }

        /** How long it ran: to its end, or to {@code runEnd} when it never ended. */
        public Duration ranFor(Duration runEnd)
        {
            Duration end = ended.orElse(runEnd);
            return end.compareTo(started) > 0 ? end.minus(started) : Duration.ZERO;
        }
    }

    /**
     * Whether the query under faults gave the fault-free answer.
     *
     * @param correct the result equals the fault-free run's
     * @param summary one line for people, e.g. "243 rows, same as the fault-free run"
     */
    public record Verdict(boolean correct, String summary, Optional<Duration> runtime, Optional<Duration> faultFreeRuntime)
    {
        public Verdict
        {
            requireNonNull(summary, "summary is null");
            requireNonNull(runtime, "runtime is null");
            requireNonNull(faultFreeRuntime, "faultFreeRuntime is null");
        }
    }
}
