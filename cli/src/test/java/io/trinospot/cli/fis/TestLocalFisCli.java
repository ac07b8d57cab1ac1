package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "--local", "--seed", "x"),
                "trino-spot fis run: Invalid value for option '--seed': 'x' is not a long");
        assertUsage(FisRunner.run("fis", "run", "--local"), "trino-spot fis run: Missing required parameter: 'TEMPLATE'");
        assertUsage(FisRunner.run("fis", "run", "emr-trino-interrupter", "b", "--local"), "trino-spot fis run: Unmatched argument at index 3: 'b'");
        assertUsage(FisRunner.run("fis", "chaos"), "trino-spot fis chaos: Missing required option: '--runs=N'");
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
}
