package io.trinospot.fis.chaos;

import io.trinospot.fis.chaos.QueryCheck.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The series loop and its summary, with hand-made run results: nothing is started, nothing waits. */
class ChaosLoopTest
{
    private static final List<FaultKind> KINDS = List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL, FaultKind.WORKER_SIGSTOP);
    private static final IntFunction<String> REPLAY = number -> "trino-spot fis chaos --seed 7 --run " + number;
    private static final ChaosRun NOTICE = new ChaosRun(1, Fault.spotNotice("one-random-spot-worker", 11, Duration.ofSeconds(2)), Workload.Q39);
    private static final ChaosRun KILL = new ChaosRun(2, Fault.sigkill("spot-2", Duration.ofSeconds(5)), Workload.ETL);
    private static final ChaosRun STOP = new ChaosRun(3, Fault.sigstop("core-1", Duration.ofSeconds(1), Duration.ofSeconds(40)), Workload.Q39);

    @TempDir
    Path reportDir;

    private final List<String> lines = new ArrayList<>();
    private final MutableClock clock = new MutableClock();

    /** Time that moves only when a test moves it. */
    static final class MutableClock
            implements InstantSource
    {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration duration)
        {
            now = now.plus(duration);
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }

    @Test
    void summaryCountsRunsQueriesAndOutcomesByFaultKind()
    {
        ChaosSummary summary = new ChaosSummary(7, KINDS, List.of(
                new RunResult(NOTICE, List.of(QueryCheck.passed(), QueryCheck.passed(), QueryCheck.passed()), Optional.empty()),
                new RunResult(KILL, List.of(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: NO_NODES_AVAILABLE")), Optional.empty()),
                new RunResult(STOP, List.of(QueryCheck.passed(), new QueryCheck(Outcome.SILENTLY_WRONG, "242 rows instead of 243")), Optional.empty())), REPLAY);
        assertThat(summary.rows()).containsExactly(
                List.of("spot-notice", "1", "3", "1", "0", "0"),
                List.of("worker-sigkill", "1", "1", "0", "1", "0"),
                List.of("worker-sigstop", "1", "2", "0", "0", "1"),
                List.of("all", "3", "6", "1", "1", "1"));
        assertThat(summary.noneSilentlyWrong()).isFalse();
        assertThat(summary.textLines()).containsExactly(
                "fault           runs  queries  passed  failed loudly  silently wrong",
                "spot-notice        1        3       1              0               0",
                "worker-sigkill     1        1       0              1               0",
                "worker-sigstop     1        2       0              0               1",
                "all                3        6       1              1               1");
        assertThat(summary.notPassed()).containsExactly(
                "run 2 (worker-sigkill (SIGKILL spot-2 at +5 s) under etl): failed loudly: Query failed: NO_NODES_AVAILABLE; replay: trino-spot fis chaos --seed 7 --run 2",
                "run 3 (worker-sigstop (SIGSTOP core-1 at +1 s for 40 s, then SIGCONT) under q39): silently wrong: 242 rows instead of 243; replay: trino-spot fis chaos --seed 7 --run 3");
        assertThat(summary.markdown()).isEqualTo("""
                # Chaos series, seed 7

                | fault | runs | queries | passed | failed loudly | silently wrong |
                | --- | ---: | ---: | ---: | ---: | ---: |
                | spot-notice | 1 | 3 | 1 | 0 | 0 |
                | worker-sigkill | 1 | 1 | 0 | 1 | 0 |
                | worker-sigstop | 1 | 2 | 0 | 0 | 1 |
                | all | 3 | 6 | 1 | 1 | 1 |

                Runs that did not pass:

                - run 2 (worker-sigkill (SIGKILL spot-2 at +5 s) under etl): failed loudly: Query failed: NO_NODES_AVAILABLE; replay: trino-spot fis chaos --seed 7 --run 2
                - run 3 (worker-sigstop (SIGSTOP core-1 at +1 s for 40 s, then SIGCONT) under q39): silently wrong: 242 rows instead of 243; replay: trino-spot fis chaos --seed 7 --run 3
                """);
    }

    @Test
    void aKindNoRunPickedStillHasItsRow()
    {
        ChaosSummary summary = new ChaosSummary(1, KINDS, List.of(new RunResult(KILL, List.of(QueryCheck.passed()), Optional.empty())), REPLAY);
        assertThat(summary.rows()).containsExactly(
                List.of("spot-notice", "0", "0", "0", "0", "0"),
                List.of("worker-sigkill", "1", "1", "1", "0", "0"),
                List.of("worker-sigstop", "0", "0", "0", "0", "0"),
                List.of("all", "1", "1", "1", "0", "0"));
        assertThat(summary.noneSilentlyWrong()).isTrue();
        assertThat(summary.markdown()).doesNotContain("did not pass");
    }

    @Test
    void loopSaysWhichRunStartsReplenishesBetweenRunsAndWritesTheSummary()
            throws Exception
    {
        Map<Integer, RunResult> results = Map.of(
                1, new RunResult(NOTICE, List.of(QueryCheck.passed(), QueryCheck.passed()), Optional.empty()),
                2, new RunResult(KILL, List.of(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: boom")), Optional.empty()),
                3, new RunResult(STOP, List.of(QueryCheck.passed()), Optional.empty()));
        List<String> replenished = new ArrayList<>(List.of("spot-2", ""));
        ChaosJournal journal = ChaosJournal.start(reportDir, "test series");
        ChaosSummary summary = new ChaosLoop(lines::add, clock, () -> false).run(7, KINDS, List.of(NOTICE, KILL, STOP), journal, run -> {
            lines.add("(run " + run.number() + ")");
            clock.advance(Duration.ofSeconds(10L * run.number()));
            return results.get(run.number());
        }, () -> {
            String replaced = replenished.removeFirst();
            return replaced.isEmpty() ? List.of() : List.of(replaced);
        }, REPLAY, reportDir);

        assertThat(replenished).isEmpty();
        assertThat(summary.results()).containsExactly(results.get(1), results.get(2), results.get(3));
        assertThat(lines).containsExactly(
                "run 1 (1 of 3): spot-notice (template one-random-spot-worker (plan seed 11) from +2 s) under q39",
                "(run 1)",
                "run 1: passed, 2 queries checked in 10.0 s",
                "replenished spot-2",
                "run 2 (2 of 3): worker-sigkill (SIGKILL spot-2 at +5 s) under etl",
                "(run 2)",
                "run 2: failed loudly, 1 query checked in 20.0 s - Query failed: boom",
                "run 3 (3 of 3): worker-sigstop (SIGSTOP core-1 at +1 s for 40 s, then SIGCONT) under q39",
                "(run 3)",
                "run 3: passed, 1 query checked in 30.0 s",
                "fault           runs  queries  passed  failed loudly  silently wrong",
                "spot-notice        1        2       1              0               0",
                "worker-sigkill     1        1       0              1               0",
                "worker-sigstop     1        1       1              0               0",
                "all                3        4       2              1               0",
                "run 2 (worker-sigkill (SIGKILL spot-2 at +5 s) under etl): failed loudly: Query failed: boom; replay: trino-spot fis chaos --seed 7 --run 2",
                "summary: " + reportDir.resolve(ChaosLoop.SUMMARY_FILE),
                "chaos: 2 passed, 1 failed loudly, 0 silently wrong (3 runs, seed 7); run time mean 20.0 s, max 30.0 s");
        assertThat(Files.readString(reportDir.resolve(ChaosLoop.SUMMARY_FILE))).isEqualTo(summary.markdown());
        assertThat(journal.entries()).extracting(ChaosJournal.Entry::took).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    @Test
    void aResumedSeriesRunsOnlyWhatItsJournalLacksAndSumsUpAll()
            throws Exception
    {
        ChaosSeries series = new ChaosSeries(7, KINDS, List.of(Workload.Q39), List.of("one-random-spot-worker"), List.of("core-1", "spot-1"));
        ChaosJournal first = ChaosJournal.start(reportDir, "series 7");
        first.record(new RunResult(series.run(1), List.of(QueryCheck.passed()), Optional.empty()), Duration.ofSeconds(40));
        first.record(new RunResult(series.run(3), List.of(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: gone")), Optional.empty()), Duration.ofSeconds(50));

        List<Integer> ran = new ArrayList<>();
        ChaosSummary summary = new ChaosLoop(lines::add, clock, () -> false).run(7, KINDS, series.runs(4), ChaosJournal.resume(reportDir, "series 7", series), run -> {
            ran.add(run.number());
            clock.advance(Duration.ofSeconds(60));
            return new RunResult(run, List.of(QueryCheck.passed()), Optional.empty());
        }, List::of, REPLAY, reportDir);

        assertThat(ran).containsExactly(2, 4);
        assertThat(lines.getFirst()).isEqualTo("resuming: 2 of 4 runs recorded earlier in " + reportDir.resolve(ChaosJournal.FILE));
        assertThat(lines).contains("run 2 (3 of 4): " + series.run(2).description(), "run 4 (4 of 4): " + series.run(4).description(),
                "chaos: 3 passed, 1 failed loudly, 0 silently wrong (4 runs, seed 7); run time mean 52.5 s, max 60.0 s");
        assertThat(summary.results()).extracting(result -> result.run().number()).containsExactly(1, 2, 3, 4);
        assertThat(ChaosJournal.resume(reportDir, "series 7", series).entries()).hasSize(4);
    }

    @Test
    void aRunReplayedAloneIsNotFollowedByReplenishing()
            throws Exception
    {
        ChaosSummary summary = new ChaosLoop(lines::add, clock, () -> false).run(7, KINDS, List.of(KILL), ChaosJournal.start(reportDir, "test series"),
                _ -> new RunResult(KILL, List.of(QueryCheck.passed()), Optional.empty()), () -> {
            throw new AssertionError("no replenishing after the last run");
        }, REPLAY, reportDir);
        assertThat(summary.rows().getLast()).isEqualTo(List.of("all", "1", "1", "1", "0", "0"));
        assertThat(lines.getFirst()).isEqualTo("run 2 (1 of 1): worker-sigkill (SIGKILL spot-2 at +5 s) under etl");
    }

    @Test
    void aSeriesThatStopsStillSumsUpTheRunsItDid()
    {
        assertThatThrownBy(() -> new ChaosLoop(lines::add, clock, () -> false).run(7, KINDS, List.of(NOTICE, KILL), ChaosJournal.start(reportDir, "test series"),
                run -> new RunResult(run, List.of(QueryCheck.passed()), Optional.empty()), () -> {
            throw new IllegalStateException("spot-1 did not come back");
        }, REPLAY, reportDir)).hasMessage("spot-1 did not come back");
        assertThat(lines).contains(
                "chaos: the series stopped after 1 of 2 run(s); --resume with this --report-dir continues it",
                "all                1        1       1              0               0");
        assertThat(reportDir.resolve(ChaosLoop.SUMMARY_FILE)).exists();
    }

    @Test
    void aRunCutShortByStoppingTheSeriesIsNotRecorded()
            throws Exception
    {
        ChaosJournal journal = ChaosJournal.start(reportDir, "test series");
        boolean[] stopped = {false};
        ChaosSummary summary = new ChaosLoop(lines::add, clock, () -> stopped[0]).run(7, KINDS, List.of(NOTICE, KILL, STOP), journal, run -> {
            clock.advance(Duration.ofSeconds(3));
            if (run.number() == 2) {
                // Ctrl-C: the cluster's processes go away under the run, whose query then fails.
                stopped[0] = true;
                return new RunResult(run, List.of(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: Error fetching results")), Optional.empty());
            }
            return new RunResult(run, List.of(QueryCheck.passed()), Optional.empty());
        }, List::of, REPLAY, reportDir);

        assertThat(journal.entries()).extracting(entry -> entry.result().run().number()).containsExactly(1);
        assertThat(summary.results()).extracting(result -> result.run().number()).containsExactly(1);
        assertThat(lines).contains(
                "run 2: cut short after 3.0 s by the series being stopped; not recorded (--resume runs it again)",
                "chaos: the series stopped after 1 of 3 run(s); --resume with this --report-dir continues it")
                .noneMatch(line -> line.startsWith("run 3 ("));
    }

    @Test
    void theJvmIsNotShuttingDownWhileTestsRun()
    {
        assertThat(ChaosLoop.jvmShuttingDown()).isFalse();
    }
}
