package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.local.LocalRuns;
import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code trino-spot demo}: the AWS blog post's experiment on this machine. Exit 0 passed, 1 failed, 2 usage. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "The experiment of the AWS blog post on Trino in Amazon EMR with EC2 Spot Instances, on this machine: a coordinator, 2 on-demand core workers and 4 Spot workers (each with a spot-watcher and an IMDS emulator), "
                        + "exchange spooled to HDFS; TPC-DS q39 runs, beside a long CREATE TABLE AS SELECT into the lake, while the AWS blog post's EMR_Trino_Interrupter template sends every Spot worker its notice: "
                        + "the watchers fail the write's tasks on the Spot workers at once and the coordinator reruns them on the on-demand workers from the spooled data.",
                "Passes when every query run gave the fault-free rows, the write committed exactly the rows of a fault-free run with no leftover files, every Spot worker that ran part of the write had a task of it failed early and rerun elsewhere, "
                        + "nothing started on a Spot worker once it showed shutting_down, and every Spot worker shut down gracefully before it was reclaimed. Stops every process it started."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:passed", "1:a query run or the write was wrong or failed, a check of the early failures failed, or a Spot worker did not shut down and go", "2:usage error"})
public final class DemoCommand
        implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    LocalClusterOptions local;

    @Option(names = "--compare-scale", description = "afterwards the AWS blog post's second finding: q39 on 6 workers, then on 10 (4 Spot workers added), each timed over 3 runs")
    boolean compareScale;

    @Mixin
    TimeScaleOption timeScaleOption;

    @Override
    public Integer call()
    {
        double timeScale = timeScaleOption.factor(spec);
        return Failures.guard(spec, () -> {
            ExperimentTemplate template = TemplateReader.parse(TemplateSource.read(LocalRuns.DEMO_TEMPLATE).json(), TemplateValidator.RoleArn.OPTIONAL);
            LocalRuns runs = new LocalRuns(spec.commandLine().getOut()::println);
            boolean passed = runs.demo(template, local.cluster(LocalRuns.DEFAULT_CORE_WORKERS, LocalRuns.DEFAULT_SPOT_WORKERS), local.reportDir(), compareScale, timeScale);
            return passed ? CommandLines.OK : CommandLines.FAILED;
        });
    }
}
