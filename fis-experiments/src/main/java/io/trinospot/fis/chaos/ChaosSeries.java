package io.trinospot.fis.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * The runs a seed gives: each run's fault kind and workload, and every choice its fault makes (template and plan
 * seed, worker, when, for how long). Run N depends only on the seed, N and the choices offered, never on how many
 * runs the series has, so {@code --run N} replays it alone.
 *
 * @param faults the fault kinds to pick from
 * @param workloads the workloads to pick from
 * @param templates the FIS templates a {@code spot-notice} run picks from (by name)
 * @param workers the workers a {@code worker-*} fault picks from, as the fleet names them
 */
public record ChaosSeries(long seed, List<FaultKind> faults, List<Workload> workloads, List<String> templates, List<String> workers)
{
    /** Earliest and latest start of a fault after the workload's first query started: q39 takes 10-30 s here. */
    static final Duration EARLIEST = Duration.ofSeconds(1);
    static final Duration LATEST = Duration.ofSeconds(15);
    /**
     * Shortest and longest SIGSTOP: below Trino's 30 s announcement timeout the worker should just resume; above the
     * one-minute remote-task error limit of fault-tolerant execution its tasks are failed and run elsewhere.
     */
    static final Duration SHORTEST_FREEZE = Duration.ofSeconds(5);
    static final Duration LONGEST_FREEZE = Duration.ofSeconds(90);
    /** Spreads run numbers over the seed space, as {@link SplittableRandom} spreads its own successive seeds. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    public ChaosSeries
    {
        faults = List.copyOf(requireNonNull(faults, "faults is null"));
        workloads = List.copyOf(requireNonNull(workloads, "workloads is null"));
        templates = List.copyOf(requireNonNull(templates, "templates is null"));
        workers = List.copyOf(requireNonNull(workers, "workers is null"));
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("chaos needs at least one fault kind");
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("chaos needs at least one workload");
        }
        if (faults.contains(FaultKind.SPOT_NOTICE) && templates.isEmpty()) {
            throw new IllegalArgumentException("spot-notice needs at least one template");
        }
        if ((faults.contains(FaultKind.WORKER_SIGKILL) || faults.contains(FaultKind.WORKER_SIGSTOP)) && workers.isEmpty()) {
            throw new IllegalArgumentException("worker faults need at least one worker");
        }
    }

    /** Runs 1 to {@code count}. */
    public List<ChaosRun> runs(int count)
    {
        if (count < 1) {
            throw new IllegalArgumentException("chaos needs at least one run, got " + count);
        }
        List<ChaosRun> runs = new ArrayList<>();
        for (int number = 1; number <= count; number++) {
            runs.add(run(number));
        }
        return List.copyOf(runs);
    }

    /** Run {@code number} of this series, the same whether it runs in the series or alone. */
    public ChaosRun run(int number)
    {
        if (number < 1) {
            throw new IllegalArgumentException("Runs are numbered from 1: " + number);
        }
        SplittableRandom random = new SplittableRandom(seed + number * GOLDEN_GAMMA);
        FaultKind kind = faults.get(random.nextInt(faults.size()));
        Workload workload = workloads.get(random.nextInt(workloads.size()));
        Duration after = seconds(random, EARLIEST, LATEST);
        Fault fault = switch (kind) {
            case SPOT_NOTICE -> Fault.spotNotice(templates.get(random.nextInt(templates.size())), random.nextLong(1_000_000), after);
            case WORKER_SIGKILL -> Fault.sigkill(workers.get(random.nextInt(workers.size())), after);
            case WORKER_SIGSTOP -> Fault.sigstop(workers.get(random.nextInt(workers.size())), after, seconds(random, SHORTEST_FREEZE, LONGEST_FREEZE));
            case S3_ERROR_BURST -> Fault.s3ErrorBurst(S3ErrorBurst.pick(random), S3ErrorBurst.start(random));
            case DATANODE_KILL -> Fault.dataNodeKill(StorageFaults.DATANODE_NAMES.get(random.nextInt(StorageFaults.DATANODE_NAMES.size())), after);
        };
        return new ChaosRun(number, fault, workload);
    }

    private static Duration seconds(SplittableRandom random, Duration from, Duration to)
    {
        return Duration.ofSeconds(random.nextLong(from.toSeconds(), to.toSeconds() + 1));
    }
}
