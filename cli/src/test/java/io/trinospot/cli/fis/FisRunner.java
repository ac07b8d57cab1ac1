package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.cli.TrinoSpot;
import io.trinospot.fis.aws.FisApi;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs {@code trino-spot ARGS} in-process and captures what it prints; {@code fis run --aws} talks to the given FIS. */
record FisRunner(int exitCode, String out, String err)
{
    static FisRunner run(String... args)
    {
        return run(target -> {
            throw new AssertionError("no FIS call expected, got one for " + target);
        }, args);
    }

    static FisRunner run(Function<FisCommand.AwsTarget, FisApi> fis, String... args)
    {
        return configure(run -> run.fisFactory = fis, args);
    }

    /** Runs with {@code fis run}'s collaborators (FIS client, runner, shutdown hooks) set by {@code setup}. */
    static FisRunner configure(Consumer<FisCommand.Run> setup, String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            CommandLine root = CommandLines.create(new TrinoSpot(), o, e);
            FisCommand.Run run = root.getSubcommands().get("fis").getSubcommands().get("run").getCommand();
            setup.accept(run);
            code = root.execute(args);
        }
        return new FisRunner(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines()
    {
        return err.lines().toList();
    }
}
