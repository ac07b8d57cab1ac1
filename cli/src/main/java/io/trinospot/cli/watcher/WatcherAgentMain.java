package io.trinospot.cli.watcher;

import io.trinospot.cli.CommandLines;

/** Main class of the agent jar on a node: {@code java -jar spot-watcher-all.jar run --config FILE [--dry-run]}. */
public final class WatcherAgentMain
{
    private WatcherAgentMain() {}

    public static void main(String[] args)
    {
        // One line per record: these logs end up in journald.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        int status = CommandLines.create(new WatcherCommand(), System.out, System.err)
                .setCommandName("spot-watcher")
                .execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }
}
