package io.trinospot.fis.chaos;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One fault as a run injects it, every choice already made from the run's seed, so a replay injects the same.
 *
 * @param template the FIS template a {@code spot-notice} run plays
 * @param planSeed the seed its plan selects targets with
 * @param worker the worker a {@code worker-*} fault hits
 * @param after how long after the workload's first query starts the fault begins
 * @param frozen how long a {@code worker-sigstop} keeps the worker stopped; zero for the others
 * @param dataNode the HDFS DataNode a {@code datanode-kill} hits
 * @param burst what an {@code s3-error-burst} answers, to which requests, for how long
 */
public record Fault(FaultKind kind, Optional<String> template, long planSeed, Optional<String> worker, Duration after, Duration frozen,
        Optional<String> dataNode, Optional<S3ErrorBurst> burst)
{
    public Fault
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(template, "template is null");
        requireNonNull(worker, "worker is null");
        requireNonNull(after, "after is null");
        requireNonNull(frozen, "frozen is null");
        requireNonNull(dataNode, "dataNode is null");
        requireNonNull(burst, "burst is null");
        if (kind == FaultKind.SPOT_NOTICE && template.isEmpty()) {
            throw new IllegalArgumentException("A spot-notice fault needs a template");
        }
        if ((kind == FaultKind.WORKER_SIGKILL || kind == FaultKind.WORKER_SIGSTOP) && worker.isEmpty()) {
            throw new IllegalArgumentException("A " + kind + " fault needs a worker");
        }
        if (kind == FaultKind.DATANODE_KILL && dataNode.isEmpty()) {
            throw new IllegalArgumentException("A datanode-kill fault needs a DataNode");
        }
        if (kind == FaultKind.S3_ERROR_BURST && burst.isEmpty()) {
            throw new IllegalArgumentException("An s3-error-burst fault needs a burst");
        }
    }

    public static Fault spotNotice(String template, long planSeed, Duration after)
    {
        return new Fault(FaultKind.SPOT_NOTICE, Optional.of(template), planSeed, Optional.empty(), after, Duration.ZERO, Optional.empty(), Optional.empty());
    }

    public static Fault sigkill(String worker, Duration after)
    {
        return new Fault(FaultKind.WORKER_SIGKILL, Optional.empty(), 0, Optional.of(worker), after, Duration.ZERO, Optional.empty(), Optional.empty());
    }

    public static Fault sigstop(String worker, Duration after, Duration frozen)
    {
        return new Fault(FaultKind.WORKER_SIGSTOP, Optional.empty(), 0, Optional.of(worker), after, frozen, Optional.empty(), Optional.empty());
    }

    public static Fault dataNodeKill(String dataNode, Duration after)
    {
        return new Fault(FaultKind.DATANODE_KILL, Optional.empty(), 0, Optional.empty(), after, Duration.ZERO, Optional.of(dataNode), Optional.empty());
    }

    public static Fault s3ErrorBurst(S3ErrorBurst burst, Duration after)
    {
        return new Fault(FaultKind.S3_ERROR_BURST, Optional.empty(), 0, Optional.empty(), after, Duration.ZERO, Optional.empty(), Optional.of(burst));
    }

    /** What the run does, in one phrase, e.g. {@code SIGSTOP spot-2 at +4 s for 37 s, then SIGCONT}. */
    public String description()
    {
        return switch (kind) {
            case SPOT_NOTICE -> String.format(Locale.ROOT, "template %s (plan seed %d) from +%d s", template.orElseThrow(), planSeed, after.toSeconds());
            case WORKER_SIGKILL -> String.format(Locale.ROOT, "SIGKILL %s at +%d s", worker.orElseThrow(), after.toSeconds());
            case WORKER_SIGSTOP -> String.format(Locale.ROOT, "SIGSTOP %s at +%d s for %d s, then SIGCONT", worker.orElseThrow(), after.toSeconds(), frozen.toSeconds());
            case S3_ERROR_BURST -> String.format(Locale.ROOT, "%s from +%d s", burst.orElseThrow().description(), after.toSeconds());
            case DATANODE_KILL -> String.format(Locale.ROOT, "SIGKILL %s at +%d s, started again before the next run", dataNode.orElseThrow(), after.toSeconds());
        };
    }
}
