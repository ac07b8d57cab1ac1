package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.cli.TrinoSpot;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every demo and fis command, found from the command tree: generated help, and a wrong option as one usage line. */
class HelpAndUsageTest
{
    static Stream<String> commands()
    {
        CommandLine root = CommandLines.create(new TrinoSpot(), new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));
        List<String> commands = new ArrayList<>();
        commands.add("demo");
        collect(root.getSubcommands().get("fis"), "fis", commands);
        return commands.stream();
    }

    private static void collect(CommandLine command, String path, List<String> out)
    {
        out.add(path);
        command.getSubcommands().forEach((name, sub) -> collect(sub, path + " " + name, out));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpIsGenerated(String command)
    {
        FisRunner result = FisRunner.run(args(command, "--help"));
        assertThat(result.exitCode()).isEqualTo(CommandLines.OK);
        assertThat(result.out()).startsWith("Usage: trino-spot " + command + " ").contains("-h, --help", "-V, --version");
        assertThat(result.err()).isEmpty();
    }

    @TempDir
    Path dir;

    /** What each command requires, so that the wrong option is the only mistake; a file stands for any FILE. */
    private List<String> required(String command)
            throws IOException
    {
        String file = Files.writeString(dir.resolve("file.json"), "[]").toString();
        return Map.of(
                "fis validate", List.of("emr-trino-interrupter"),
                "fis plan", List.of("emr-trino-interrupter", "--instances", file),
                "fis run", List.of("emr-trino-interrupter"),
                "fis chaos", List.of("--runs", "1"),
                "fis report", List.of(file, "--html", dir.resolve("out.html").toString()))
                .getOrDefault(command, List.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void wrongOptionIsOneUsageLine(String command)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(required(command));
        args.add("--no-such-option");
        FisRunner result = FisRunner.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.errLines()).singleElement().asString()
                .isEqualTo("trino-spot " + command + ": Unknown option: '--no-such-option' (see 'trino-spot " + command + " --help')");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void commandsListedInTheirParentsHelp(String command)
    {
        String[] words = command.split(" ");
        if (words.length == 1) {
            assertThat(FisRunner.run("--help").out()).contains("  " + words[0] + " ");
            return;
        }
        String parent = String.join(" ", List.of(words).subList(0, words.length - 1));
        assertThat(FisRunner.run(args(parent, "--help")).out()).containsPattern("(?m)^  " + words[words.length - 1] + "\\s");
    }

    @Test
    void imdsFaultsNamesAnUnknownCaseAndTheKnownOnes()
    {
        FisRunner result = FisRunner.run("fis", "imds-faults", "--cases", "trickle,no-such-case");
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.err().lines().toList()).singleElement().asString()
                .startsWith("trino-spot fis imds-faults: unknown case no-such-case; cases: spot-notice, ")
                .contains("trickle");
    }

    @Test
    void rebalanceNeedsAnObserveTimeOfASecondOrMore()
    {
        FisRunner result = FisRunner.run("fis", "rebalance", "--observe", "0");
        assertThat(result.exitCode()).isEqualTo(CommandLines.USAGE);
        assertThat(result.err().lines().toList()).singleElement().asString()
                .startsWith("trino-spot fis rebalance: --observe must be at least 1 second, got 0");
    }

    private static String[] args(String command, String last)
    {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(last);
        return args.toArray(String[]::new);
    }
}
