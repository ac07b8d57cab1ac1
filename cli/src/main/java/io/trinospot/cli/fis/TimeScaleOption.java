package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.plan.TimeScale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --time-scale}: local runs that play a template with its notice windows compressed. */
final class TimeScaleOption
{
    @Option(names = "--time-scale", paramLabel = "FACTOR", defaultValue = "1",
            description = "plays spot-notice templates with every offset multiplied by this, above 0 and at most 1 (0.25: a two-minute notice lasts 30 s); "
                    + "FIS allows no shorter notice, so this is for quick or long local runs (default: ${DEFAULT-VALUE})")
    double factor = 1;

    /** The factor, or a usage error naming it when it is not above 0 and at most 1. */
    double factor(CommandSpec spec)
    {
        try {
            return TimeScale.check(factor);
        }
        catch (IllegalArgumentException e) {
            throw CommandLines.usage(spec, "--time-scale " + e.getMessage());
        }
    }
}
