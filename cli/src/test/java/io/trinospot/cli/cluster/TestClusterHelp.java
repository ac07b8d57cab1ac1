package io.trinospot.cli.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every cluster command has generated help, and a wrong option is one line on stderr with exit 2. */
class TestClusterHelp
{
    @ParameterizedTest
    @ValueSource(strings = {"", "up", "status", "sql", "kill", "down"})
    void helpIsGeneratedUsage(String subcommand)
    {
        String command = ("trino-spot cluster " + subcommand).strip();
        ClusterRun help = subcommand.isEmpty() ? ClusterRun.run("--help") : ClusterRun.run(subcommand, "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: " + command + " ").contains("-h, --help").contains("-V, --version");
        if (!subcommand.isEmpty()) {
            assertThat(help.out()).contains("--home=DIR");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "up", "status", "sql SELECT", "kill worker-1", "down"})
    void aWrongOptionIsOneLineAndExitTwo(String commandLine)
    {
        // sql and kill get their parameter, or picocli reports it missing before the unknown option
        String subcommand = commandLine.split(" ")[0];
        String command = ("trino-spot cluster " + subcommand).strip();
        ClusterRun wrong = ClusterRun.run(Stream.concat(Stream.of(commandLine.split(" ")).filter(arg -> !arg.isEmpty()), Stream.of("--frob")).toArray(String[]::new));

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.errLines()).hasSize(1);
        assertThat(wrong.errLines().getFirst()).startsWith(command + ": ").contains("--frob").endsWith("(see '" + command + " --help')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "launch"})
    void noOrAnUnknownSubcommandIsAUsageError(String subcommand)
    {
        ClusterRun run = subcommand.isEmpty() ? ClusterRun.run() : ClusterRun.run(subcommand);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().getFirst()).startsWith("trino-spot cluster: ").endsWith("(see 'trino-spot cluster --help')");
    }

    @Test
    void upHelpListsTheChoicesAndDefaults()
    {
        // as one line: picocli wraps descriptions at 80 columns
        String help = ClusterRun.run("up", "--help").out().replaceAll("\\s+", " ");

        assertThat(help)
                .contains("none, local, s3, hdfs, spot-s3, spot-local (default: none)")
                .contains("none, s3, hdfs (default: s3)")
                .contains("tiny, sf1, sf10, sf100 or any other sf<N> (default: tiny)")
                .contains("--node-refresh=INTERVAL")
                .contains("--workers=N");
    }
}
