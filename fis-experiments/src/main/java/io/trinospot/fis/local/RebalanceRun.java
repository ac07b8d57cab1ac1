package io.trinospot.fis.local;

import io.trinospot.harness.QueryResult;
import io.trinospot.harness.ResultComparison;
import io.trinospot.harness.TrinoCluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * EC2 sends rebalance recommendations to whole capacity pools, often with no interruption after them. Here every Spot
 * worker of the AWS blog post's cluster gets one, and no notice, in one phase after another (each phase with its own
 * agent settings, the watchers restarted in between), while q39 runs back to back and the coordinator's node list is
 * read every 250 ms. A phase passes when every q39 run gives the fault-free rows and the Spot workers that left
 * {@code active} are as many as the phase allows.
 */
public final class RebalanceRun
{
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(250);

    private final BlogCluster blog;
    private final String sql;
    private final QueryResult faultFree;
    private final Consumer<String> out;

    /**
     * @param watcherSettings over the fleet's, from this phase on
     * @param drainedSpotWorkers how many Spot workers may leave {@code active}: {@code min} to {@code max}
     */
    public record Phase(String name, Map<String, String> watcherSettings, int minDrained, int maxDrained, Duration observe)
    {
        public Phase
        {
            requireNonNull(name, "name is null");
            watcherSettings = Map.copyOf(watcherSettings);
            requireNonNull(observe, "observe is null");
        }
    }

    /**
     * @param statesSeen per Spot worker, the states the coordinator listed it in, in order
     * @param fewestActiveWorkers the fewest workers the coordinator listed as active at once
     * @param onDemandWorkers the workers without a Spot lifecycle, which no rebalance recommendation may take
     */
    public record PhaseResult(Phase phase, int queryRuns, List<String> wrongRuns, Map<String, List<String>> statesSeen, int fewestActiveWorkers, int onDemandWorkers)
    {
        public int drained()
        {
            return (int) statesSeen.values().stream().filter(states -> states.stream().anyMatch(state -> !state.equals("active"))).count();
        }

        public boolean passed()
        {
            return queryRuns > 0 && wrongRuns.isEmpty() && drained() >= phase.minDrained() && drained() <= phase.maxDrained()
                    && fewestActiveWorkers >= onDemandWorkers;
        }
    }

    public RebalanceRun(BlogCluster blog, String sql, QueryResult faultFree, Consumer<String> out)
    {
        this.blog = requireNonNull(blog, "blog is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.faultFree = requireNonNull(faultFree, "faultFree is null");
        this.out = requireNonNull(out, "out is null");
    }

    public PhaseResult run(Phase phase)
            throws IOException, InterruptedException
    {
        out.accept("phase: " + phase.name());
        if (!phase.watcherSettings().isEmpty()) {
            blog.spotFleet().restartWatchers(phase.watcherSettings());
            out.accept("  watchers restarted with " + phase.watcherSettings());
        }
        TrinoCluster cluster = blog.cluster();
        List<String> spotWorkers = blog.spotWorkers();
        Map<String, List<String>> statesSeen = new LinkedHashMap<>();
        spotWorkers.forEach(worker -> statesSeen.put(worker, new ArrayList<>(List.of("active"))));
        List<String> wrongRuns = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread queries = Thread.ofPlatform().name("rebalance-queries").start(() -> {
            while (!stop.get()) {
                int number = runs.incrementAndGet();
                try {
                    QueryResult result = cluster.query(sql);
                    ResultComparison.differences(faultFree, result).ifPresent(problem -> wrongRuns.add("run " + number + ": " + problem));
                }
                catch (RuntimeException e) {
                    wrongRuns.add("run " + number + " failed: " + e.getMessage());
                }
            }
        });
        int fewestActive = Integer.MAX_VALUE;
        try {
            Instant posted = Instant.now();
            for (String worker : spotWorkers) {
                blog.fleet().postRebalanceRecommendation(worker, posted);
            }
            Instant end = posted.plus(phase.observe());
            while (Instant.now().isBefore(end)) {
                Optional<Map<String, String>> states = nodeStates(cluster);
                if (states.isPresent()) {
                    int active = (int) states.get().entrySet().stream()
                            .filter(node -> !node.getKey().equals("coordinator") && node.getValue().equals("active"))
                            .count();
                    fewestActive = Math.min(fewestActive, active);
                    for (String worker : spotWorkers) {
                        String state = states.get().getOrDefault(worker, "gone");
                        List<String> seen = statesSeen.get(worker);
                        if (!seen.getLast().equals(state)) {
                            seen.add(state);
                            out.accept(String.format(Locale.ROOT, "  +%4.1fs %s %s", Duration.between(posted, Instant.now()).toMillis() / 1000.0, worker, state));
                        }
                    }
                }
                Thread.sleep(SAMPLE_INTERVAL);
            }
        }
        finally {
            stop.set(true);
            queries.join(Duration.ofMinutes(10));
            for (String worker : spotWorkers) {
                blog.spotFleet().imds(worker).clearRebalanceRecommendation();
            }
        }
        int onDemand = cluster.workers().size() - spotWorkers.size();
        PhaseResult result = new PhaseResult(phase, runs.get(), List.copyOf(wrongRuns), statesSeen, fewestActive == Integer.MAX_VALUE ? -1 : fewestActive, onDemand);
        out.accept(String.format(Locale.ROOT, "  %d q39 run(s), %d wrong; %d of %d Spot workers left active (allowed %d to %d); fewest active workers %d (on-demand %d); %s",
                result.queryRuns(), result.wrongRuns().size(), result.drained(), spotWorkers.size(), phase.minDrained(), phase.maxDrained(),
                result.fewestActiveWorkers(), onDemand, result.passed() ? "PASSED" : "FAILED"));
        statesSeen.forEach((worker, states) -> out.accept("  " + worker + ": " + String.join(" -> ", states)));
        wrongRuns.forEach(problem -> out.accept("  " + problem));
        return result;
    }

    private static Optional<Map<String, String>> nodeStates(TrinoCluster cluster)
    {
        try {
            return Optional.of(cluster.nodeStates());
        }
        catch (RuntimeException e) {
            // a busy coordinator; the next sample asks again
            return Optional.empty();
        }
    }
}
