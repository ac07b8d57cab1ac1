package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.local.ImdsFaultMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code trino-spot fis imds-faults}: the node agent against odd and failing IMDS answers, a line per case. */
@Command(
        name = "imds-faults",
        mixinStandardHelpOptions = true,
        description = {
                "Run the node agent (in dry run, beside one local Trino worker) against an IMDS emulator that answers oddly or fails: "
                        + "notice times in the past and far ahead, unknown actions, bad times, cancelled and rescheduled events, "
                        + "a blackholed token, trickling answers, 401 and 5xx storms, garbage JSON.",
                "Prints, per case, the expected and the seen outcome (drain or not, healthy or not) and a summary; exit 1 when any case differs."})
public final class ImdsFaultsCommand
        implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--cases", paramLabel = "NAME,...", split = ",", description = "run only these cases (default: all; names as printed)")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call()
    {
        List<ImdsFaultMatrix.Case> cases = ImdsFaultMatrix.cases();
        if (!only.isEmpty()) {
            Set<String> known = cases.stream().map(ImdsFaultMatrix.Case::name).collect(Collectors.toSet());
            List<String> unknown = only.stream().filter(name -> !known.contains(name)).toList();
            if (!unknown.isEmpty()) {
                throw CommandLines.usage(spec, "unknown case " + String.join(", ", unknown) + "; cases: "
                        + cases.stream().map(ImdsFaultMatrix.Case::name).collect(Collectors.joining(", ")));
            }
            cases = cases.stream().filter(kase -> only.contains(kase.name())).toList();
        }
        List<ImdsFaultMatrix.Case> chosen = cases;
        List<ImdsFaultMatrix.Outcome> outcomes;
        try {
            outcomes = new ImdsFaultMatrix(spec.commandLine().getOut()::println).run(chosen);
        }
        catch (RuntimeException e) {
            return CommandLines.fail(spec, CommandLines.oneLine(e));
        }
        return outcomes.stream().allMatch(ImdsFaultMatrix.Outcome::passed) ? CommandLines.OK : CommandLines.FAILED;
    }
}
