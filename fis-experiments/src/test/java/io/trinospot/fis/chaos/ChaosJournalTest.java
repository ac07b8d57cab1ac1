package io.trinospot.fis.chaos;

import io.trinospot.fis.chaos.QueryCheck.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosJournalTest
{
    private static final ChaosSeries SERIES = new ChaosSeries(16, List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL, FaultKind.WORKER_SIGSTOP),
            List.of(Workload.Q39, Workload.ETL), List.of("one-random-spot-worker"), List.of("core-1", "core-2", "spot-1", "spot-2"));
    private static final String KEY = ChaosJournal.seriesKey(SERIES, 0.25);

    @TempDir
    Path directory;

    @Test
    void keyNamesWhatChoosesTheRunsAndHowTheyPlay()
    {
        assertThat(KEY).isEqualTo("seed 16; faults spot-notice,worker-sigkill,worker-sigstop; workloads q39,etl; templates one-random-spot-worker; "
                + "workers core-1,core-2,spot-1,spot-2; time scale 0.25");
        assertThat(ChaosJournal.seriesKey(SERIES, 1)).isNotEqualTo(KEY);
        assertThat(ChaosJournal.seriesKey(new ChaosSeries(17, SERIES.faults(), SERIES.workloads(), SERIES.templates(), SERIES.workers()), 0.25)).isNotEqualTo(KEY);
    }

    @Test
    void recordedRunsComeBackAsTheyWereRecorded()
            throws Exception
    {
        ChaosJournal journal = ChaosJournal.start(directory, KEY);
        RunResult passed = new RunResult(SERIES.run(1), List.of(QueryCheck.passed(), QueryCheck.passed()), Optional.empty());
        RunResult loud = new RunResult(SERIES.run(2), List.of(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: \"quoted\"\tand tabbed")), Optional.of("spot-2 is not running"));
        RunResult wrong = new RunResult(SERIES.run(5), List.of(new QueryCheck(Outcome.SILENTLY_WRONG, "242 rows instead of 243")), Optional.empty());
        journal.record(passed, Duration.ofMillis(41_250));
        journal.record(loud, Duration.ofSeconds(9));
        journal.record(wrong, Duration.ofSeconds(77));

        ChaosJournal resumed = ChaosJournal.resume(directory, KEY, SERIES);
        assertThat(resumed.entries()).containsExactly(
                new ChaosJournal.Entry(passed, Duration.ofMillis(41_250)),
                new ChaosJournal.Entry(loud, Duration.ofSeconds(9)),
                new ChaosJournal.Entry(wrong, Duration.ofSeconds(77)));
        assertThat(resumed.done(2)).isTrue();
        assertThat(resumed.done(3)).isFalse();
        assertThat(resumed.notes()).isEmpty();
    }

    @Test
    void aNewSeriesNeverOverwritesAJournal()
            throws Exception
    {
        ChaosJournal.start(directory, KEY).record(new RunResult(SERIES.run(1), List.of(QueryCheck.passed()), Optional.empty()), Duration.ofSeconds(1));
        assertThatThrownBy(() -> ChaosJournal.start(directory, KEY))
                .hasMessage(directory.resolve(ChaosJournal.FILE) + " already holds a chaos series: continue it with --resume, or give another --report-dir");
        assertThat(ChaosJournal.resume(directory, KEY, SERIES).entries()).hasSize(1);
    }

    @Test
    void onlyTheSameSeriesResumesAJournal()
            throws Exception
    {
        assertThatThrownBy(() -> ChaosJournal.resume(directory, KEY, SERIES))
                .hasMessage("--resume: no chaos journal " + directory.resolve(ChaosJournal.FILE) + " to continue");
        ChaosJournal.start(directory, KEY);
        String other = ChaosJournal.seriesKey(SERIES, 1);
        assertThatThrownBy(() -> ChaosJournal.resume(directory, other, SERIES))
                .hasMessage(directory.resolve(ChaosJournal.FILE) + " holds another series (" + KEY + "), not this one (" + other + ")");
    }

    @Test
    void aLastLineCutShortIsDroppedAndItsRunRunsAgain()
            throws Exception
    {
        ChaosJournal.start(directory, KEY).record(new RunResult(SERIES.run(1), List.of(QueryCheck.passed()), Optional.empty()), Duration.ofSeconds(1));
        Path file = directory.resolve(ChaosJournal.FILE);
        Files.writeString(file, "{\"run\":2,\"queries\":[{\"outcome\":\"PAS", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        ChaosJournal resumed = ChaosJournal.resume(directory, KEY, SERIES);
        assertThat(resumed.entries()).hasSize(1);
        assertThat(resumed.done(2)).isFalse();
        assertThat(resumed.notes()).containsExactly(file + " line 3 is cut short (the series stopped while recording a run): that run runs again");
        // the next record follows a complete line
        resumed.record(new RunResult(SERIES.run(2), List.of(QueryCheck.passed()), Optional.empty()), Duration.ofSeconds(2));
        assertThat(ChaosJournal.resume(directory, KEY, SERIES).entries()).extracting(entry -> entry.result().run().number()).containsExactly(1, 2);
    }

    @Test
    void aBadLineBeforeTheLastIsAnErrorNamingIt()
            throws Exception
    {
        ChaosJournal.start(directory, KEY);
        Path file = directory.resolve(ChaosJournal.FILE);
        Files.writeString(file, "{\"run\":1,\"queries\":[{\"outcome\":\"MAYBE\",\"detail\":\"\"}],\"tookMillis\":5}\n{\"run\":2,\"queries\":[],\"tookMillis\":5}\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ChaosJournal.resume(directory, KEY, SERIES))
                .hasMessage(file + " line 2 is not a recorded run: unknown outcome 'MAYBE'");

        Files.writeString(file, "{\"series\":\"" + KEY + "\"}\n{\"run\":1,\"queries\":[],\"tookMillis\":5}\n{\"run\":1,\"queries\":[],\"tookMillis\":6}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChaosJournal.resume(directory, KEY, SERIES))
                .hasMessage(file + " line 3 records run 1 a second time");
    }
}
