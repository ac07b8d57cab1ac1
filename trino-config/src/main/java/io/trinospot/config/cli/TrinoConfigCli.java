package io.trinospot.config.cli;

import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.io.ConfigurationsParser;
import io.trinospot.config.io.EmrExporter;
import io.trinospot.config.io.EtcDiff;
import io.trinospot.config.io.EtcWriter;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;
import io.trinospot.config.render.Rendering;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.config.validate.Validation;
import io.trinospot.config.validate.Validator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code trino-config render|validate|emr}. Exit codes: 0 fine (warnings allowed), 1 the configuration has errors or
 * (with --check) etc/ has drifted, 2 the command line is wrong. Every error is one line; never a stack trace.
 */
public final class TrinoConfigCli
{
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage:
              trino-config render --configurations FILE --role coordinator|worker --out DIR [--set [classification:]key=value]... [--check]
              trino-config validate --configurations FILE [--role coordinator|worker] [--set [classification:]key=value]...
              trino-config emr --configurations FILE
            --set without a classification targets trino-config (config.properties).
            exit codes: 0 ok, 1 configuration errors or drift (--check), 2 usage error""";

    private TrinoConfigCli() {}

    public static void main(String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err)
    {
        try {
            if (args.length == 1 && List.of("help", "--help", "-h").contains(args[0])) {
                out.println(USAGE_TEXT);
                return OK;
            }
            CliArguments arguments = CliArguments.parse(args);
            Configurations configurations = read(arguments.configurations());
            return switch (arguments.command()) {
                case "render" -> render(arguments, configurations, out, err);
                case "validate" -> validate(arguments, configurations, out, err);
                default -> emr(configurations, out, err);
            };
        }
        catch (UsageException e) {
            err.println(Problem.error("usage", null, e.getMessage()).line());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        catch (InvalidConfigurationException e) {
            print(e.problems(), err);
            return PROBLEMS;
        }
        catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // a bug of ours; still one line, so scripts and logs stay clean
            err.println(Problem.error("internal", null, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (a bug in trino-config)").line());
            return PROBLEMS;
        }
    }

    private static Configurations read(Path file)
            throws UsageException, InvalidConfigurationException
    {
        try {
            return ConfigurationsParser.parse(file);
        }
        catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        }
        catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private static int render(CliArguments arguments, Configurations configurations, PrintStream out, PrintStream err)
            throws InvalidConfigurationException
    {
        Rendering rendering = TrinoEtcRenderer.renderWithReport(configurations, arguments.role().orElseThrow(), arguments.overrides());
        print(rendering.problems(), err);
        Path target = arguments.out().orElseThrow();
        try {
            if (arguments.check()) {
                EtcDiff diff = EtcDiff.compute(rendering.etc(), target);
                out.print(diff.format(target.toString()));
                if (!diff.isEmpty()) {
                    err.println(Problem.error("output", null, target + " differs from the configuration in " + diff.changes().size() + " file(s)").line());
                    return PROBLEMS;
                }
                out.println(target + " is up to date");
                return OK;
            }
            EtcWriter.Result result = EtcWriter.write(rendering.etc(), target);
            out.print(result.diff().format(target.toString()));
            out.println(result.changed()
                    ? "wrote " + target + " (" + result.diff().changes().size() + " file(s) changed)"
                    : target + " is up to date");
            return OK;
        }
        catch (IOException e) {
            err.println(Problem.error("output", null, "cannot write " + target + ": " + e.getClass().getSimpleName() + " " + e.getMessage()).line());
            return PROBLEMS;
        }
    }

    private static int validate(CliArguments arguments, Configurations configurations, PrintStream out, PrintStream err)
    {
        Validation validation = Validator.validate(configurations, arguments.role(), arguments.overrides());
        print(validation.problems(), err);
        if (validation.hasErrors()) {
            return PROBLEMS;
        }
        long warnings = validation.problems().size();
        out.println("ok: no errors" + (warnings > 0 ? " (" + warnings + " warning(s) and note(s))" : ""));
        return OK;
    }

    private static int emr(Configurations configurations, PrintStream out, PrintStream err)
            throws InvalidConfigurationException
    {
        EmrExporter.Export export = EmrExporter.export(configurations);
        print(export.notes(), err);
        out.print(export.json());
        return OK;
    }

    private static void print(List<Problem> problems, PrintStream err)
    {
        problems.forEach(problem -> err.println(problem.line()));
    }
}
