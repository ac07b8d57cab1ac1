package io.trinospot.fis.local;

import io.trinospot.harness.ClusterSpec;
import io.trinospot.harness.LakeStorage;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.Waits;
import io.trinospot.harness.imds.Fault;
import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.ScheduledEvent;
import io.trinospot.harness.imds.SpotAction;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The node agent against odd and failing IMDS answers. Each case gets a fresh IMDS emulator and a fresh watcher process
 * (the agent jar as shipped, in dry run, beside one real Trino worker), does to IMDS what the case says, and watches
 * for a fixed time: did the watcher decide to drain (in dry run it logs the worker state it would set), and did
 * {@code /healthz} turn unhealthy. A case passes when both are as expected: no missed notice, no drain for nothing.
 */
public final class ImdsFaultMatrix
{
    // What the agent logs in dry run where it would put the worker into SHUTTING_DOWN.
    static final String DRAIN_LINE = "would set worker state to SHUTTING_DOWN";
    static final String WORKER = "worker-1";
    private static final Duration HEALTH_SAMPLE = Duration.ofMillis(250);
    // Every watcher of the matrix: dry run, fast polls, scheduled drains 5 s ahead, and IMDS silence judged after 5 s.
    static final Map<String, String> SETTINGS = Map.of(
            "watcher.dry-run", "true",
            "watcher.poll-interval", "500ms",
            "watcher.spot.poll-interval", "500ms",
            "watcher.max-backoff", "1s",
            "watcher.imds.request-timeout", "1s",
            "watcher.scheduled.drain-lead-time", "5s",
            "watcher.health.unhealthy-after", "5s");

    private final Consumer<String> out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).proxy(HttpClient.Builder.NO_PROXY).build();

    public ImdsFaultMatrix(Consumer<String> out)
    {
        this.out = requireNonNull(out, "out is null");
    }

    public enum Expect
    {
        DRAIN, NO_DRAIN;

        String word()
        {
            return this == DRAIN ? "drain" : "no drain";
        }
    }

    /**
     * One row of the matrix. {@code inject} acts on the emulator once the watcher is up ({@code start} is that moment);
     * {@code unhealthy}: whether {@code /healthz} must answer 503 at some point of {@code observe} (else never).
     */
    public record Case(String name, String what, Expect expect, boolean unhealthy, Duration observe, BiConsumer<ImdsEmulator, Instant> inject)
    {
        public Case
        {
            requireNonNull(name, "name is null");
            requireNonNull(what, "what is null");
            requireNonNull(expect, "expect is null");
            requireNonNull(observe, "observe is null");
            requireNonNull(inject, "inject is null");
        }
    }

    /** What one case did: whether the watcher decided to drain, and when; whether /healthz ever answered 503. */
    public record Outcome(Case kase, boolean drained, Optional<Duration> drainAfter, boolean sawUnhealthy, boolean healthyAtEnd)
    {
        public boolean passed()
        {
            return drained == (kase.expect() == Expect.DRAIN) && sawUnhealthy == kase.unhealthy();
        }

        public boolean missedNotice()
        {
            return kase.expect() == Expect.DRAIN && !drained;
        }

        public boolean falseDrain()
        {
            return kase.expect() == Expect.NO_DRAIN && drained;
        }

        String line()
        {
            return String.format(Locale.ROOT, "%-26s expected %-8s %-9s | got %-8s%s %-9s | %s",
                    kase.name(), kase.expect().word(), kase.unhealthy() ? "unhealthy" : "healthy",
                    drained ? "drain" : "no drain", drainAfter.map(after -> String.format(Locale.ROOT, " +%.1fs", after.toMillis() / 1000.0)).orElse(""),
                    sawUnhealthy ? "unhealthy" : "healthy", passed() ? "ok" : "FAILED");
        }
    }

    /** The cases, in the order they run. */
    public static List<Case> cases()
    {
        Duration observe = Duration.ofSeconds(20);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("spot-notice", "a well-formed terminate notice, two minutes ahead", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofMinutes(2)))));
        cases.add(new Case("notice-time-past", "the notice's time is 30 s in the past (clock skew, a late agent)", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNotice(SpotAction.TERMINATE, start.minus(Duration.ofSeconds(30)))));
        cases.add(new Case("notice-time-far-future", "the notice's time is six hours ahead", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofHours(6)))));
        cases.add(new Case("unknown-action", "an action EC2 does not document", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNoticeBody("{\"action\":\"reboot\",\"time\":\"" + start.plus(Duration.ofMinutes(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}")));
        cases.add(new Case("bad-time", "a time that is not RFC 3339", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNoticeBody("{\"action\":\"terminate\",\"time\":\"in two minutes\"}")));
        cases.add(new Case("garbage-json", "spot/instance-action answers 200 with a body that is not JSON", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postSpotNoticeBody("{\"action\": \"terminate\", \"time\": ")));
        cases.add(new Case("scheduled-event", "a scheduled stop 10 s ahead (drain lead time 5 s)", Expect.DRAIN, false, observe,
                (imds, start) -> imds.postScheduledEvent(ScheduledEvent.active("instance-stop", "instance-event-1", start.plus(Duration.ofSeconds(10))))));
        cases.add(new Case("scheduled-event-cancelled", "a scheduled stop 10 s ahead, cancelled after 2 s", Expect.NO_DRAIN, false, observe,
                (imds, start) -> {
                    ScheduledEvent event = ScheduledEvent.active("instance-stop", "instance-event-1", start.plus(Duration.ofSeconds(10)));
                    imds.postScheduledEvent(event);
                    imds.postScheduledEvent(event.withState("canceled"), start.plus(Duration.ofSeconds(2)));
                }));
        cases.add(new Case("scheduled-event-rescheduled", "a scheduled stop 10 s ahead, moved a day later after 2 s", Expect.NO_DRAIN, false, observe,
                (imds, start) -> {
                    ScheduledEvent event = ScheduledEvent.active("instance-stop", "instance-event-1", start.plus(Duration.ofSeconds(10)));
                    imds.postScheduledEvent(event);
                    imds.postScheduledEvent(ScheduledEvent.active("instance-stop", "instance-event-1", start.plus(Duration.ofDays(1))), start.plus(Duration.ofSeconds(2)));
                }));
        cases.add(new Case("token-blackhole", "token PUTs get no answer for 12 s (hop limit 1), then a notice", Expect.DRAIN, true, observe,
                (imds, start) -> {
                    imds.expireTokens();
                    // each PUT is held past the agent's 1 s request timeout, and the agent has to ask: its token is expired
                    imds.inject(Fault.delay(Duration.ofSeconds(3)).onPath(ImdsEmulator.TOKEN_PATH).during(Duration.ofSeconds(12)));
                    imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofMinutes(2)), start.plus(Duration.ofSeconds(8)));
                }));
        cases.add(new Case("trickle", "every answer trickles at 1 byte/s for 12 s, a notice meanwhile", Expect.DRAIN, true, observe,
                (imds, start) -> {
                    imds.trickleFor(Duration.ofSeconds(12), Duration.ofSeconds(1));
                    imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofMinutes(2)), start.plus(Duration.ofSeconds(6)));
                }));
        cases.add(new Case("401-storm", "every request 401 for 12 s, a notice meanwhile", Expect.DRAIN, true, observe,
                (imds, start) -> {
                    imds.failFor(Duration.ofSeconds(12), 401);
                    imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofMinutes(2)), start.plus(Duration.ofSeconds(6)));
                }));
        cases.add(new Case("5xx-storm", "every request 503 for 12 s, a notice meanwhile", Expect.DRAIN, true, observe,
                (imds, start) -> {
                    imds.failFor(Duration.ofSeconds(12), 503);
                    imds.postSpotNotice(SpotAction.TERMINATE, start.plus(Duration.ofMinutes(2)), start.plus(Duration.ofSeconds(6)));
                }));
        cases.add(new Case("5xx-storm-no-notice", "every request 503 for 12 s, and no notice", Expect.NO_DRAIN, true, observe,
                (imds, start) -> imds.failFor(Duration.ofSeconds(12), 503)));
        // blind to scheduled events while it cannot read them, so unhealthy: but nothing to drain for
        cases.add(new Case("garbage-scheduled-events", "garbage bodies for the scheduled events for 12 s, and no notice", Expect.NO_DRAIN, true, observe,
                (imds, start) -> imds.inject(Fault.malformed().onPath("/latest/meta-data/events/maintenance/").during(Duration.ofSeconds(12)))));
        return List.copyOf(cases);
    }

    /** Starts a one-worker cluster, runs {@code cases} one after another, prints a line each and a summary. */
    public List<Outcome> run(List<Case> cases)
    {
        out.accept("imds fault matrix: " + cases.size() + " cases; starting a coordinator and " + WORKER + " ...");
        try (TrinoCluster cluster = TrinoCluster.start(ClusterSpec.builder().workers(1).lake(LakeStorage.NONE).build())) {
            List<Outcome> outcomes = new ArrayList<>();
            for (Case kase : cases) {
                Outcome outcome = runCase(cluster, kase);
                out.accept(outcome.line());
                outcomes.add(outcome);
            }
            long passed = outcomes.stream().filter(Outcome::passed).count();
            long missed = outcomes.stream().filter(Outcome::missedNotice).count();
            long falseDrains = outcomes.stream().filter(Outcome::falseDrain).count();
            out.accept(String.format(Locale.ROOT, "imds fault matrix: %d of %d cases as expected; missed notices %d, false drains %d",
                    passed, outcomes.size(), missed, falseDrains));
            return outcomes;
        }
    }

    private Outcome runCase(TrinoCluster cluster, Case kase)
    {
        try (SpotFleet fleet = SpotFleet.start(cluster, List.of(WORKER), SETTINGS)) {
            SpotFleet.Member member = fleet.member(WORKER);
            Path log = member.watcher().logFile();
            long logOffset = size(log);
            Instant start = Instant.now();
            kase.inject().accept(member.imds(), start);
            boolean sawUnhealthy = false;
            Optional<Duration> drainAfter = Optional.empty();
            Instant end = start.plus(kase.observe());
            boolean healthy = true;
            while (Instant.now().isBefore(end)) {
                healthy = healthStatus(member.statusPort()) == 200;
                sawUnhealthy |= !healthy;
                if (drainAfter.isEmpty() && logSince(log, logOffset).contains(DRAIN_LINE)) {
                    drainAfter = Optional.of(Duration.between(start, Instant.now()));
                }
                Waits.sleep(HEALTH_SAMPLE);
            }
            return new Outcome(kase, drainAfter.isPresent(), drainAfter, sawUnhealthy, healthy);
        }
    }

    private int healthStatus(int statusPort)
    {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + "/healthz")).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (IOException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long size(Path file)
    {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        }
        catch (IOException e) {
            return 0;
        }
    }

    private static String logSince(Path file, long offset)
    {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset), java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            return "";
        }
    }

    /** The summary counts, for a caller's exit code and BENCHMARKS.md. */
    public static Map<String, Long> summary(List<Outcome> outcomes)
    {
        Map<String, Long> summary = new LinkedHashMap<>();
        summary.put("cases", (long) outcomes.size());
        summary.put("as expected", outcomes.stream().filter(Outcome::passed).count());
        summary.put("missed notices", outcomes.stream().filter(Outcome::missedNotice).count());
        summary.put("false drains", outcomes.stream().filter(Outcome::falseDrain).count());
        return summary;
    }
}
