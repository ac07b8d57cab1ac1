package io.trinospot.fis.chaos;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosSeriesTest
{
    private static final List<FaultKind> FAULTS = List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL, FaultKind.WORKER_SIGSTOP);
    private static final List<Workload> WORKLOADS = List.of(Workload.Q39, Workload.ETL);
    private static final List<String> TEMPLATES = List.of("emr-trino-interrupter", "one-random-spot-worker");
    private static final List<String> WORKERS = List.of("core-1", "core-2", "spot-1", "spot-2");

    private static ChaosSeries series(long seed)
    {
        return new ChaosSeries(seed, FAULTS, WORKLOADS, TEMPLATES, WORKERS);
    }

    @Test
    void theSameSeedGivesTheSameSeries()
    {
        List<ChaosRun> runs = series(16).runs(200);
        assertThat(series(16).runs(200)).isEqualTo(runs);
        assertThat(runs).extracting(ChaosRun::number).containsExactlyElementsOf(IntStream.rangeClosed(1, 200).boxed().toList());
        assertThat(series(17).runs(200)).isNotEqualTo(runs);
    }

    @Test
    void aSeriesPicksEveryKindWorkloadTemplateAndWorkerOffered()
    {
        List<ChaosRun> runs = series(16).runs(200);
        assertThat(runs).extracting(run -> run.fault().kind()).containsOnlyElementsOf(FAULTS).containsAll(FAULTS);
        assertThat(runs).extracting(ChaosRun::workload).containsOnlyElementsOf(WORKLOADS).containsAll(WORKLOADS);
        assertThat(runs).filteredOn(run -> run.fault().kind() == FaultKind.SPOT_NOTICE)
                .extracting(run -> run.fault().template().orElseThrow()).containsOnlyElementsOf(TEMPLATES).containsAll(TEMPLATES);
        assertThat(runs).filteredOn(run -> run.fault().kind() != FaultKind.SPOT_NOTICE)
                .extracting(run -> run.fault().worker().orElseThrow()).containsOnlyElementsOf(WORKERS).containsAll(WORKERS);
    }

    @Test
    void faultTimesStayInTheirRanges()
    {
        List<ChaosRun> runs = series(3).runs(200);
        assertThat(runs).allSatisfy(run -> assertThat(run.fault().after()).isBetween(ChaosSeries.EARLIEST, ChaosSeries.LATEST));
        assertThat(runs).filteredOn(run -> run.fault().kind() == FaultKind.WORKER_SIGSTOP)
                .isNotEmpty()
                .allSatisfy(run -> assertThat(run.fault().frozen()).isBetween(ChaosSeries.SHORTEST_FREEZE, ChaosSeries.LONGEST_FREEZE));
        assertThat(runs).filteredOn(run -> run.fault().kind() != FaultKind.WORKER_SIGSTOP)
                .allSatisfy(run -> assertThat(run.fault().frozen()).isEqualTo(Duration.ZERO));
    }

    @Test
    void runNAloneIsRunNOfTheSeries()
    {
        List<ChaosRun> runs = series(42).runs(200);
        for (int number : List.of(1, 57, 200)) {
            assertThat(series(42).run(number)).isEqualTo(runs.get(number - 1));
        }
        // a longer series starts with the shorter one: run N never depends on how many runs follow
        assertThat(series(42).runs(10)).isEqualTo(runs.subList(0, 10));
    }

    @Test
    void describesEachFaultAsItWillBeInjected()
    {
        assertThat(new ChaosRun(4, Fault.sigstop("spot-2", Duration.ofSeconds(4), Duration.ofSeconds(37)), Workload.ETL).description())
                .isEqualTo("worker-sigstop (SIGSTOP spot-2 at +4 s for 37 s, then SIGCONT) under etl");
        assertThat(new ChaosRun(1, Fault.sigkill("core-1", Duration.ofSeconds(9)), Workload.Q39).description())
                .isEqualTo("worker-sigkill (SIGKILL core-1 at +9 s) under q39");
        assertThat(new ChaosRun(2, Fault.spotNotice("staggered-waves", 123, Duration.ofSeconds(2)), Workload.Q39).description())
                .isEqualTo("spot-notice (template staggered-waves (plan seed 123) from +2 s) under q39");
    }

    @Test
    void refusesWhatCannotRun()
    {
        assertThatThrownBy(() -> new ChaosSeries(1, List.of(FaultKind.DATANODE_KILL), WORKLOADS, TEMPLATES, WORKERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("datanode-kill needs an HDFS with more than one DataNode");
        assertThatThrownBy(() -> new ChaosSeries(1, List.of(FaultKind.S3_ERROR_BURST), WORKLOADS, TEMPLATES, WORKERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("s3-error-burst needs a fault-injecting proxy");
        assertThatThrownBy(() -> new ChaosSeries(1, List.of(), WORKLOADS, TEMPLATES, WORKERS)).hasMessage("chaos needs at least one fault kind");
        assertThatThrownBy(() -> new ChaosSeries(1, FAULTS, List.of(), TEMPLATES, WORKERS)).hasMessage("chaos needs at least one workload");
        assertThatThrownBy(() -> new ChaosSeries(1, FAULTS, WORKLOADS, List.of(), WORKERS)).hasMessage("spot-notice needs at least one template");
        assertThatThrownBy(() -> new ChaosSeries(1, FAULTS, WORKLOADS, TEMPLATES, List.of())).hasMessage("worker faults need at least one worker");
        assertThatThrownBy(() -> series(1).runs(0)).hasMessage("chaos needs at least one run, got 0");
        assertThatThrownBy(() -> series(1).run(0)).hasMessage("Runs are numbered from 1: 0");
    }

    @Test
    void parsesKindsAndWorkloadsByTheirLabels()
    {
        assertThat(FaultKind.parse("worker-sigkill")).isEqualTo(FaultKind.WORKER_SIGKILL);
        assertThat(FaultKind.parse(" Spot-Notice ")).isEqualTo(FaultKind.SPOT_NOTICE);
        assertThat(Workload.parse("etl")).isEqualTo(Workload.ETL);
        assertThatThrownBy(() -> FaultKind.parse("sigkill"))
                .hasMessage("unknown fault kind 'sigkill' (known: spot-notice, worker-sigkill, worker-sigstop, s3-error-burst, datanode-kill)");
        assertThatThrownBy(() -> Workload.parse("q1")).hasMessage("unknown workload 'q1' (known: q39, etl)");
    }
}
