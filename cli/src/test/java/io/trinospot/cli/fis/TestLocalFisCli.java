package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.chaos.ChaosJournal;
import io.trinospot.fis.chaos.FaultKind;
import io.trinospot.fis.chaos.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trino-spot demo}, {@code fis run --local} and {@code fis chaos}: command-line mistakes are caught before any
 * cluster starts, exit 2 (usage) with one line, or 1 (bad template) with one line per problem.
 */
class TestLocalFisCli
{
    @TempDir
    Path dir;

    private static void assertUsage(FisRunner result, String message)
    {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString().isEqualTo(message + " (see '" + message.substring(0, message.indexOf(':')) + " --help')");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void usageErrors()
    {
        assertUsage(FisRunner.run(), "trino-spot: no command given");
        assertUsage(FisRunner.run("explode"), "trino-spot: Unmatched argument at index 0: 'explode'");
        assertUsage(FisRunner.run("demo", "--seed", "3"), "trino-spot demo: Unknown options: '--seed', '3'");
        assertUsage(FisRunner.run("demo", "extra"), "trino-spot demo: Unmatched argument at index 1: 'extra'");
        assertUsage(FisRunner.run("demo", "--time-scale", "0"), "trino-spot demo: --time-scale must be above 0 and at most 1, got 0.0");
        assertUsage(FisRunner.run("demo", "--time-scale", "2"), "trino-spot demo: --time-scale must be above 0 and at most 1, got 2.0");
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "--local", "--seed", "x"),
                "trino-spot fis run: Invalid value for option '--seed': 'x' is not a long");
        assertUsage(FisRunner.run("fis", "run", "--local"), "trino-spot fis run: Missing required parameter: 'TEMPLATE'");
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "b", "--local"), "trino-spot fis run: Unmatched argument at index 3: 'b'");
        assertUsage(FisRunner.run("fis", "chaos"), "trino-spot fis chaos: give --runs N for a series, or --run N with --seed to replay one run of it");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "0"), "trino-spot fis chaos: --runs must be at least 1, got 0");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "2", "--bogus", "1"), "trino-spot fis chaos: Unknown options: '--bogus', '1'");
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "--local", "--seed"),
                "trino-spot fis run: Missing required parameter for option '--seed' (N)");
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "--local", "--core", "0"), "trino-spot fis run: --core must be at least 1, got 0");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--spot", "-1"), "trino-spot fis chaos: --spot must not be negative, got -1");
        String missing = dir.resolve("missing.json").toString();
        assertUsage(FisRunner.run("demo", "--configurations", missing), "trino-spot demo: Invalid value for option '--configurations': " + missing + ": no such file");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--configurations", missing),
                "trino-spot fis chaos: Invalid value for option '--configurations': " + missing + ": no such file");
    }

    @Test
    void unknownTemplateIsAUsageError()
    {
        FisRunner result = FisRunner.run("fis", "run", "no-such-template", "--local");
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("trino-spot fis run: Invalid value for positional parameter at index 0 (TEMPLATE): cannot read no-such-template: no such file, and not a shipped template");
    }

    @Test
    void invalidTemplateListsItsProblems()
            throws Exception
    {
        Path template = dir.resolve("bad.json");
        Files.writeString(template, """
                {"description": "bad", "targets": {}, "actions": {}, "stopConditions": [{"source": "none"}]}
                """);
        FisRunner result = FisRunner.run("fis", "run", template.toString(), "--local");
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).startsWith("error: ").doesNotContain("Exception");
        assertThat(result.errLines().getLast()).matches("trino-spot fis run: \\d+ problem\\(s\\) in the template");
    }

    @Test
    void chaosRejectsUnknownTemplatesBeforeStarting()
    {
        FisRunner result = FisRunner.run("fis", "chaos", "--runs", "1", "--templates", "emr-trino-interrupter,nope");
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("trino-spot fis chaos: Invalid value for option '--templates'").contains("cannot read nope:");
    }

    @Test
    void chaosRejectsAnInvalidTemplateBeforeStarting()
            throws Exception
    {
        Path template = dir.resolve("bad.json");
        Files.writeString(template, "{}");
        FisRunner result = FisRunner.run("fis", "chaos", "--runs", "1", "--templates", "emr-trino-interrupter, " + template);
        assertThat(result.exitCode()).isEqualTo(CommandLines.FAILED);
        assertThat(result.err()).startsWith("error: ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void chaosOptionsAreCheckedBeforeAnyClusterStarts()
    {
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--run", "2", "--seed", "1"),
                "trino-spot fis chaos: --runs and --run exclude each other: --run replays one run of the series");
        assertUsage(FisRunner.run("fis", "chaos", "--run", "2"), "trino-spot fis chaos: --run replays a run of a seeded series: give the series' --seed");
        assertUsage(FisRunner.run("fis", "chaos", "--run", "0", "--seed", "1"), "trino-spot fis chaos: --run must be at least 1, got 0");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--faults", "worker-sigkill,sigterm"),
                "trino-spot fis chaos: Invalid value for option '--faults' (KIND): unknown fault kind 'sigterm' "
                        + "(known: spot-notice, worker-sigkill, worker-sigstop, s3-error-burst, datanode-kill)");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--workload", "q39,q1"),
                "trino-spot fis chaos: Invalid value for option '--workload' (WORKLOAD): unknown workload 'q1' (known: q39, etl)");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--faults", "worker-sigkill", "--templates", "emr-trino-interrupter"),
                "trino-spot fis chaos: --templates is for spot-notice runs, which --faults leaves out");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--time-scale", "0"),
                "trino-spot fis chaos: --time-scale must be above 0 and at most 1, got 0.0");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--time-scale", "1.5"),
                "trino-spot fis chaos: --time-scale must be above 0 and at most 1, got 1.5");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "1", "--faults", "worker-sigkill", "--core", "1", "--spot", "0"),
                "trino-spot fis chaos: worker faults need at least 2 workers, so that one is left to run the queries; got --core 1 --spot 0");
    }

    @Test
    void chaosResumeNeedsTheSeriesItsJournalRecorded()
            throws Exception
    {
        String reports = dir.resolve("series").toString();
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--seed", "5", "--resume"),
                "trino-spot fis chaos: --resume continues the series recorded in --report-dir DIR: give that directory");
        assertUsage(FisRunner.run("fis", "chaos", "--run", "3", "--seed", "5", "--resume", "--report-dir", reports),
                "trino-spot fis chaos: --resume continues a series (--runs N), not a replayed run");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--resume", "--report-dir", reports),
                "trino-spot fis chaos: --resume continues a seeded series: give the series' --seed");
        Path journal = dir.resolve("series").resolve(ChaosJournal.FILE);
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--seed", "5", "--faults", "worker-sigkill", "--resume", "--report-dir", reports),
                "trino-spot fis chaos: --resume: no chaos journal " + journal + " to continue");

        Files.createDirectories(journal.getParent());
        Files.writeString(journal, "{\"series\":\"seed 4; faults worker-sigkill\"}\n");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--seed", "5", "--faults", "worker-sigkill", "--report-dir", reports),
                "trino-spot fis chaos: " + journal + " already holds a chaos series: continue it with --resume, or give another --report-dir");
        assertUsage(FisRunner.run("fis", "chaos", "--runs", "3", "--seed", "5", "--faults", "worker-sigkill", "--resume", "--report-dir", reports),
                "trino-spot fis chaos: " + journal + " holds another series (seed 4; faults worker-sigkill), not this one "
                        + "(seed 5; faults worker-sigkill; workloads q39; templates ; workers core-1,core-2,spot-1,spot-2,spot-3,spot-4; time scale 1.0)");
    }

    @Test
    void chaosReplayCommandCarriesWhatChoosesTheSeries()
    {
        assertThat(FisCommand.Chaos.replayCommand(16, 57, List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL), List.of(Workload.Q39, Workload.ETL), List.of(), 1, 2, 4))
                .isEqualTo("./trino-spot fis chaos --seed 16 --run 57 --faults spot-notice,worker-sigkill --workload q39,etl");
        assertThat(FisCommand.Chaos.replayCommand(-3, 1, List.of(FaultKind.SPOT_NOTICE), List.of(Workload.ETL), List.of("staggered-waves", "t.json"), 0.25, 1, 6))
                .isEqualTo("./trino-spot fis chaos --seed -3 --run 1 --faults spot-notice --workload etl --templates staggered-waves,t.json --time-scale 0.25 --core 1 --spot 6");
    }
}
