package io.trinospot.cli.config;

import io.trinospot.cli.CommandLines;
import io.trinospot.cli.TrinoSpot;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@code trino-spot config ARGS} in-process and captures what it prints. */
record CliRunner(int exitCode, String out, String err)
{
    static CliRunner run(String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CommandLines.execute(new TrinoSpot(), Stream.concat(Stream.of("config"), Stream.of(args)).toArray(String[]::new), o, e);
        }
        return new CliRunner(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines()
    {
        return err.lines().toList();
    }
}
