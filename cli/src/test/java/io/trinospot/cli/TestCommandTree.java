package io.trinospot.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command of {@code trino-spot}, found by walking the command tree, has generated help and one usage-error style. */
class TestCommandTree
{
    record Path(List<String> names)
    {
        String qualified()
        {
            return String.join(" ", names);
        }

        @Override
        public String toString()
        {
            return qualified();
        }
    }

    static Stream<Path> commands()
    {
        List<Path> paths = new ArrayList<>();
        walk(new CommandLine(new TrinoSpot()), List.of("trino-spot"), paths);
        return paths.stream();
    }

    private static void walk(CommandLine command, List<String> names, List<Path> paths)
    {
        paths.add(new Path(names));
        command.getSubcommands().forEach((name, sub) -> {
            // aliases list a command twice; picocli's own completion script generator has its own conventions
            if (name.equals(sub.getCommandName()) && !(sub.getCommand() instanceof AutoComplete.GenerateCompletion)) {
                List<String> child = new ArrayList<>(names);
                child.add(name);
                walk(sub, child, paths);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpIsGenerated(Path command)
    {
        Run run = run(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: " + command.qualified());
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aWrongOptionIsOneLineAndExitTwo(Path command)
    {
        // a command with required options names those first, which is still the one line
        Run run = run(command, "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith(command.qualified() + ": ")
                .endsWith("(see '" + command.qualified() + " --help')");
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyCommandDescribesItself(Path command)
    {
        assertThat(run(command, "--help").out().lines().skip(1).filter(line -> !line.isBlank()).findFirst())
                .as("a description line after the synopsis")
                .isPresent();
    }

    record Run(int exitCode, String out, String err) {}

    private static Run run(Path command, String option)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(command.names().subList(1, command.names().size()));
        args.add(option);
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CommandLines.execute(new TrinoSpot(), args.toArray(String[]::new), o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
