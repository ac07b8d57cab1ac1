package io.trinospot.cli.watcher;

import io.trinospot.cli.CommandGroup;
import io.trinospot.cli.CommandLines;
import io.trinospot.watcher.Watcher;
import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.WatcherConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The Spot interruption agent of one worker node; also the whole command line of the agent jar. */
@Command(
        name = "watcher",
        mixinStandardHelpOptions = true,
        description = "The on-node agent: watches EC2 instance metadata for Spot notices, rebalance recommendations and scheduled events, and drains the local Trino worker.",
        subcommands = WatcherCommand.Run.class)
public final class WatcherCommand
        extends CommandGroup
{
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run until SIGTERM.")
    static final class Run
            implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "watcher properties (see spot-watcher's README for every setting and its default)")
        Path configFile;

        @Option(names = "--dry-run", description = "watch and log decisions, but never change the worker's state or fail tasks")
        boolean dryRun;

        @Override
        public Integer call()
        {
            if (!Files.isReadable(configFile)) {
                return CommandLines.fail(spec, "cannot read config file " + configFile);
            }
            WatcherConfig config;
            try {
                config = WatcherConfig.load(configFile);
            }
            catch (ConfigException e) {
                return CommandLines.fail(spec, e.getMessage());
            }
            if (dryRun) {
                config = config.withDryRun(true);
            }
            Watcher watcher;
            try {
                watcher = new Watcher(config);
            }
            catch (ConfigException e) {
                return CommandLines.fail(spec, e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                watcher.close();
                stopped.countDown();
            }, "watcher-shutdown"));
            try {
                stopped.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CommandLines.OK;
        }
    }
}
