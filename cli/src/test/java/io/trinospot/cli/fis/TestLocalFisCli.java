package io.trinospot.cli.fis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Command-line mistakes are caught before any cluster starts: exit 2 (usage) or 1 (bad template), one line each. */
class TestLocalFisCli
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args)
    {
        return new LocalFisCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir)
                .run(List.of(args));
    }

    private String firstErrorLine()
    {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void usageErrors()
    {
        assertThat(run()).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: no command given");

        err.reset();
        assertThat(run("explode")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: unknown command 'explode'");

        err.reset();
        assertThat(run("demo", "--seed", "3")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: --seed does not go with this command");

        err.reset();
        assertThat(run("run", "emr-trino-interrupter", "--local", "--seed", "x")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: --seed must be a whole number, got 'x'");

        err.reset();
        assertThat(run("run", "--local")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: run takes one TEMPLATE, got []");

        err.reset();
        assertThat(run("chaos")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: chaos needs --runs N with N >= 1");

        err.reset();
        assertThat(run("chaos", "--runs", "2", "--bogus", "1")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: unknown option --bogus");

        err.reset();
        assertThat(run("run", "x", "--local", "--seed")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("trino-spot: --seed needs a value");

        err.reset();
        assertThat(run("demo", "--configurations", dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(firstErrorLine()).startsWith("trino-spot: --configurations ").endsWith("missing.json: no such file");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception");
    }

    @Test
    void unknownTemplateIsAUsageError()
    {
        assertThat(run("run", "no-such-template", "--local")).isEqualTo(2);
        assertThat(firstErrorLine()).startsWith("trino-spot: cannot read no-such-template: no such file, and not a shipped template");
    }

    @Test
    void invalidTemplateListsItsProblems()
            throws Exception
    {
        Path template = dir.resolve("bad.json");
        Files.writeString(template, """
                {"description": "bad", "targets": {}, "actions": {}, "stopConditions": [{"source": "none"}]}
                """);
        assertThat(run("run", template.toString(), "--local")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").doesNotContain("Exception");
    }

    @Test
    void chaosRejectsUnknownTemplatesBeforeStarting()
    {
        assertThat(run("chaos", "--runs", "1", "--templates", "emr-trino-interrupter,nope")).isEqualTo(2);
        assertThat(firstErrorLine()).startsWith("trino-spot: cannot read nope:");
    }
}
