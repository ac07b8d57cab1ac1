package io.trinospot.cli.cluster;

import io.trinospot.cli.CommandLines;
import io.trinospot.cli.TrinoSpot;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@code trino-spot cluster ARGS} in-process, as the launcher does, and keeps what it printed. */
record ClusterRun(int exitCode, String out, String err)
{
    static ClusterRun run(String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CommandLines.execute(new TrinoSpot(), Stream.concat(Stream.of("cluster"), Stream.of(args)).toArray(String[]::new), o, e);
        }
        return new ClusterRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines()
    {
        return err.lines().toList();
    }
}
