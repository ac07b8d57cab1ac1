package io.trinospot.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * One error style for every command: a usage error is one line naming the command and the problem, exit 2; a command
 * that fails is one line, exit 1; never a stack trace.
 */
public final class CommandLines
{
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private CommandLines() {}

    public static CommandLine create(Object command, PrintStream out, PrintStream err)
    {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine failed = exception.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(name + ": " + exception.getMessage() + " (see '" + name + " --help')");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> fail(failed.getCommandSpec(), oneLine(exception)));
        return commandLine;
    }

    public static int execute(Object command, String[] args, PrintStream out, PrintStream err)
    {
        return create(command, out, err).execute(args);
    }

    /** A usage error found after parsing (a combination of options, a file that cannot be read). */
    public static ParameterException usage(CommandLine.Model.CommandSpec spec, String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A command that failed: one line on stderr naming it, exit 1. */
    public static int fail(CommandLine.Model.CommandSpec spec, String message)
    {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message);
        return FAILED;
    }

    public static String oneLine(Throwable throwable)
    {
        String message = oneLine(throwable.getMessage());
        return throwable.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** A message of several lines (a server's error, a log tail) folded onto one. */
    public static String oneLine(String message)
    {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
