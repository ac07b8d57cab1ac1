package io.trinospot.watcher.status;

import io.trinospot.watcher.FatalErrors;
import io.trinospot.watcher.trino.TrinoWorkerException;
import io.trinospot.watcher.trino.WorkerApi;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Whether the agent can do its job. Running threads are not enough: an agent whose IMDS requests never get an answer
 * (a hop limit of 1 in a container, a token PUT that is dropped) or whose worker refuses it (a wrong shared secret, a
 * port that moved, settings that cannot be read) would miss every notice or drain nothing. Three checks:
 * <ul>
 * <li>{@code threads}: every poll loop runs;</li>
 * <li>{@code imds}: every monitor had a successful answer within {@code unhealthyAfter} (from the start, at first);</li>
 * <li>{@code worker}: the worker has not kept the agent out (401, 403, connection refused, settings unreadable)
 * for {@code unhealthyAfter}. It is asked on its own schedule, every third of that time, with a small read-only
 * request that needs the internal credentials; other failures (a timeout, an error status) leave the check as it
 * was.</li>
 * </ul>
 * Each failing check gives one line naming it and the reason, never a secret. A change of the verdict is logged.
 */
public final class Health
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Health.class.getName());

    public static final String THREADS = "threads";
    public static final String IMDS = "imds";
    public static final String WORKER = "worker";

    private final Duration unhealthyAfter;
    private final List<String> monitors;
    private final Supplier<List<String>> stoppedLoops;
    private final WatcherMetrics metrics;
    private final WorkerApi worker;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final FatalErrors fatal;
    private final Instant startedAt;

    // Written by the scheduler's thread only.
    private volatile Optional<Lockout> lockout = Optional.empty();
    private boolean reportedHealthy = true;

    private record Lockout(Instant since, String problem) {}

    /**
     * @param stoppedLoops the names of the poll loops that no longer run
     * @param scheduler runs the worker checks; closed with this
     * @param fatal gets an {@code Error} of a worker check
     */
    public Health(Duration unhealthyAfter, List<String> monitors, Supplier<List<String>> stoppedLoops, WatcherMetrics metrics, WorkerApi worker,
            InstantSource clock, ScheduledExecutorService scheduler, FatalErrors fatal)
    {
        this.unhealthyAfter = requireNonNull(unhealthyAfter, "unhealthyAfter is null");
        this.monitors = List.copyOf(monitors);
        this.stoppedLoops = requireNonNull(stoppedLoops, "stoppedLoops is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.worker = requireNonNull(worker, "worker is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.fatal = requireNonNull(fatal, "fatal is null");
        this.startedAt = clock.instant();
    }

    /** Checks the worker now and every third of {@code unhealthyAfter}. */
    public Health start()
    {
        long period = Math.max(1, unhealthyAfter.dividedBy(3).toMillis());
        scheduler.scheduleWithFixedDelay(this::checkWorkerGuarded, 0, period, TimeUnit.MILLISECONDS);
        return this;
    }

    // The executor would keep whatever a check throws in a future nobody reads, and stop the schedule.
    private void checkWorkerGuarded()
    {
        try {
            checkWorker();
        }
        catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "checking the worker failed: " + e, e);
        }
        catch (Error e) {
            fatal.fatal(e);
        }
    }

    void checkWorker()
    {
        try {
            worker.checkAccess();
            lockout = Optional.empty();
        }
        catch (TrinoWorkerException e) {
            if (e.failure().locksOut()) {
                Instant since = lockout.map(Lockout::since).orElse(clock.instant());
                lockout = Optional.of(new Lockout(since, oneLine(e.getMessage())));
            }
        }
        logChange(report());
    }

    private void logChange(Report report)
    {
        if (report.healthy() == reportedHealthy) {
            return;
        }
        reportedHealthy = report.healthy();
        if (report.healthy()) {
            LOG.log(System.Logger.Level.INFO, "healthy again");
        }
        else {
            LOG.log(System.Logger.Level.WARNING, "unhealthy: {0}", String.join("; ", report.problems()));
        }
    }

    public Report report()
    {
        Instant now = clock.instant();
        List<String> threads = stoppedLoops.get().stream().map(loop -> "poll loop " + loop + " has stopped").toList();
        List<String> imds = new ArrayList<>();
        for (String monitor : monitors) {
            Optional<Instant> last = metrics.lastSuccessfulPoll(monitor);
            Duration silent = Duration.between(last.orElse(startedAt), now);
            if (silent.compareTo(unhealthyAfter) >= 0) {
                imds.add(monitor + ": no successful answer for " + seconds(silent)
                        + last.map(at -> " (last at " + at + ")").orElse(" (none since the agent started)")
                        + metrics.lastImdsError(monitor).map(error -> "; last error: " + oneLine(error)).orElse(""));
            }
        }
        List<String> workerProblems = lockout
                .filter(current -> Duration.between(current.since(), now).compareTo(unhealthyAfter) >= 0)
                .map(current -> List.of("no access for " + seconds(Duration.between(current.since(), now)) + ": " + current.problem()))
                .orElse(List.of());
        return new Report(List.of(new Check(THREADS, threads), new Check(IMDS, imds), new Check(WORKER, workerProblems)));
    }

    private static String seconds(Duration duration)
    {
        return duration.toSeconds() + "s";
    }

    private static String oneLine(String text)
    {
        return String.valueOf(text).replaceAll("[\\r\\n]+", " ");
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
    }

    /** One check: healthy when it has no problems. */
    public record Check(String name, List<String> problems)
    {
        public Check
        {
            requireNonNull(name, "name is null");
            problems = List.copyOf(problems);
        }

        public boolean healthy()
        {
            return problems.isEmpty();
        }
    }

    public record Report(List<Check> checks)
    {
        public Report
        {
            checks = List.copyOf(checks);
        }

        public boolean healthy()
        {
            return checks.stream().allMatch(Check::healthy);
        }

        /** One line per problem, each starting with its check's name. */
        public List<String> problems()
        {
            return checks.stream().flatMap(check -> check.problems().stream().map(problem -> check.name() + ": " + problem)).toList();
        }

        /** The verdict and each check as Prometheus gauges, 1 for healthy. */
        public String prometheus()
        {
            StringBuilder out = new StringBuilder();
            out.append("# HELP trinospot_watcher_healthy 1 while every check passes (see /healthz), else 0.\n");
            out.append("# TYPE trinospot_watcher_healthy gauge\n");
            out.append("trinospot_watcher_healthy ").append(healthy() ? 1 : 0).append('\n');
            out.append("# HELP trinospot_watcher_check_healthy 1 while the check passes, else 0.\n");
            out.append("# TYPE trinospot_watcher_check_healthy gauge\n");
            for (Check check : checks) {
                out.append("trinospot_watcher_check_healthy{check=\"").append(check.name()).append("\"} ").append(check.healthy() ? 1 : 0).append('\n');
            }
            return out.toString();
        }
    }
}
