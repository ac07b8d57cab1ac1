package io.trinospot.watcher;

import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.WatcherConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code watcher run --config FILE [--dry-run]}: runs until SIGTERM.
 */
public final class WatcherMain
{
    private static final String USAGE = """
            usage: watcher run --config FILE [--dry-run]
              --config FILE   watcher properties (see README.md for every setting and its default)
              --dry-run       watch and log decisions, but never change the worker's state or fail tasks
            """;

    private WatcherMain() {}

    public static void main(String[] args)
    {
        // One line per record: these logs end up in journald.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        int status = run(Arrays.asList(args));
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(List<String> args)
    {
        if (args.isEmpty() || !args.getFirst().equals("run")) {
            System.err.print(USAGE);
            return args.contains("--help") || args.contains("-h") ? 0 : 2;
        }
        Path configFile = null;
        boolean dryRun = false;
        for (int i = 1; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--config" -> {
                    if (i + 1 >= args.size()) {
                        System.err.print(USAGE);
                        return 2;
                    }
                    configFile = Path.of(args.get(++i));
                }
                case "--dry-run" -> dryRun = true;
                default -> {
                    System.err.println("unknown argument: " + args.get(i));
                    System.err.print(USAGE);
                    return 2;
                }
            }
        }
        if (configFile == null) {
            System.err.print(USAGE);
            return 2;
        }
        if (!Files.isReadable(configFile)) {
            System.err.println("watcher: cannot read config file " + configFile);
            return 1;
        }
        WatcherConfig config;
        try {
            config = WatcherConfig.load(configFile);
        }
        catch (ConfigException e) {
            System.err.println("watcher: " + e.getMessage());
            return 1;
        }
        if (dryRun) {
            config = config.withDryRun(true);
        }
        Watcher watcher = new Watcher(config);
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
        return 0;
    }
}
