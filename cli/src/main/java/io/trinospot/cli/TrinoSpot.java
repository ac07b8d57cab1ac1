package io.trinospot.cli;

import io.trinospot.cli.cluster.ClusterCommand;
import io.trinospot.cli.config.ConfigCommand;
import io.trinospot.cli.fis.BenchCommand;
import io.trinospot.cli.fis.DemoCommand;
import io.trinospot.cli.fis.FisCommand;
import io.trinospot.cli.watcher.WatcherCommand;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./trino-spot}: the one entry point; each command is a class of its own. */
@Command(
        name = "trino-spot",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "Fault tolerance for Trino on EC2 Spot capacity: spool exchange data to HDFS or S3, drain a worker on its Spot notice, prove it on real components.",
        subcommands = {
                DemoCommand.class,
                ClusterCommand.class,
                ConfigCommand.class,
                WatcherCommand.class,
                FisCommand.class,
                BenchCommand.class,
                AutoComplete.GenerateCompletion.class,
        })
public final class TrinoSpot
        implements Runnable
{
    @Spec
    CommandSpec spec;

    public static void main(String[] args)
    {
        System.exit(CommandLines.execute(new TrinoSpot(), args, System.out, System.err));
    }

    @Override
    public void run()
    {
        throw CommandLines.usage(spec, "no command given");
    }
}
