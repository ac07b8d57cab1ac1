package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.local.LocalRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code trino-spot fis rebalance}: a rebalance recommendation to every Spot worker and no notice, as EC2 sends to a
 * whole capacity pool. FIS has no action for that (its Spot interruption sends the recommendation with the notice), so
 * this runs on the local cluster only.
 */
@Command(
        name = "rebalance",
        mixinStandardHelpOptions = true,
        description = {
                "On a local copy of the AWS blog post's cluster, send a rebalance recommendation (and no notice) to every Spot worker while TPC-DS q39 runs, "
                        + "twice: with the agent's defaults (no worker may drain), then with draining on above a floor of active workers (how many drained is printed against the floor).",
                "Prints each Spot worker's states as the coordinator lists them, the q39 runs and a verdict per phase; exit 1 when a phase fails."})
public final class RebalanceCommand
        implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--observe", paramLabel = "SECONDS", defaultValue = "45",
            description = "how long each phase watches after the recommendations (default: ${DEFAULT-VALUE}; the agent counts workers up to 30 s after one)")
    int observeSeconds;

    @Mixin
    FisCommand.Fleet fleet;

    @Mixin
    LocalClusterOptions cluster;

    @Override
    public Integer call()
    {
        fleet.check(spec);
        if (observeSeconds < 1) {
            throw CommandLines.usage(spec, "--observe must be at least 1 second, got " + observeSeconds);
        }
        return Failures.guard(spec, () -> {
            boolean passed = new LocalRuns(spec.commandLine().getOut()::println)
                    .rebalance(cluster.cluster(fleet.core, fleet.spot), cluster.reportDir(), Duration.ofSeconds(observeSeconds));
            return passed ? CommandLines.OK : CommandLines.FAILED;
        });
    }
}
