package io.trinospot.cli.watcher;

import io.trinospot.cli.CommandLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent jar's command line, as systemd runs it: {@code run --config FILE [--dry-run]}. */
class TestWatcherCommand
{
    @TempDir
    Path dir;

    record Run(int exitCode, String err) {}

    private static Run agent(String... args)
    {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CommandLines.create(new WatcherCommand(), System.out, e).setCommandName("spot-watcher").execute(args);
        }
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwo()
    {
        assertThat(agent().exitCode()).isEqualTo(2);
        assertThat(agent("run").exitCode()).isEqualTo(2);
        assertThat(agent("run").err()).isEqualTo("spot-watcher run: Missing required option: '--config=FILE' (see 'spot-watcher run --help')\n");
        assertThat(agent("run", "--config").exitCode()).isEqualTo(2);
        assertThat(agent("run", "--bogus").exitCode()).isEqualTo(2);
    }

    @Test
    void unreadableOrInvalidConfigFailsWithOneLine()
            throws IOException
    {
        Run missing = agent("run", "--config", dir.resolve("missing.properties").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("spot-watcher run: cannot read config file " + dir.resolve("missing.properties") + "\n");

        Path bad = Files.writeString(dir.resolve("bad.properties"), "watcher.no-such-key=1\n");
        Run invalid = agent("run", "--config", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err().lines().toList()).singleElement().asString().startsWith("spot-watcher run: ").contains("watcher.no-such-key");
    }

    @Test
    void aSecretTheAgentCannotUseStopsItWithOneLine()
            throws IOException
    {
        Path empty = Files.writeString(dir.resolve("trino-shared-secret"), "\n");
        Path config = Files.writeString(dir.resolve("watcher.properties"), """
                watcher.imds.endpoint=http://127.0.0.1:1
                watcher.http.enabled=false
                watcher.trino.shared-secret-file=%s
                """.formatted(empty));
        Run run = agent("run", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("spot-watcher run: watcher.trino.shared-secret-file: " + empty + " is empty\n");
    }
}
