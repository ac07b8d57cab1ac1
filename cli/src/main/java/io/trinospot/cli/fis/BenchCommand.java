package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code trino-spot bench}: the benchmark commands documented in BENCHMARKS.md. Benchmarks are long and opt-in, so
 * this prints how to run each rather than running one by surprise.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Print the documented benchmark commands (each is opt-in and prints its own figures).")
public final class BenchCommand
        implements Callable<Integer>
{
    public static final String PROJECT_DIR_PROPERTY = "trinospot.project.dir";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        Path file = Optional.ofNullable(System.getProperty(PROJECT_DIR_PROPERTY)).map(Path::of).orElse(Path.of("")).resolve("BENCHMARKS.md");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        }
        catch (IOException e) {
            return CommandLines.fail(spec, "cannot read " + file + ": " + CommandLines.oneLine(e));
        }
        boolean inBlock = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                inBlock = !inBlock && line.equals("```bash");
                continue;
            }
            if (inBlock) {
                spec.commandLine().getOut().println(line);
            }
        }
        return CommandLines.OK;
    }
}
