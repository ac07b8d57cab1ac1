package io.trinospot.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: given none, it is a usage error like any other. */
public abstract class CommandGroup
        implements Runnable
{
    @Spec
    protected CommandSpec spec;

    @Override
    public void run()
    {
        throw CommandLines.usage(spec, "no subcommand given");
    }
}
