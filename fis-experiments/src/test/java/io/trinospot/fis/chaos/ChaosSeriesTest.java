package io.trinospot.fis.chaos;

import io.trinospot.harness.S3FaultProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosSeriesTest
{
    private static final List<FaultKind> FAULTS = List.of(FaultKind.SPOT_NOTICE, FaultKind.WORKER_SIGKILL, FaultKind.WORKER_SIGSTOP);
    private static final List<Workload> WORKLOADS = List.of(Workload.Q39, Workload.ETL);
    private static final List<String> TEMPLATES = List.of("emr-trino-interrupter", "one-random-spot-worker");
    private static final List<String> WORKERS = List.of("core-1", "core-2", "spot-1", "spot-2");

    private static final List<FaultKind> STORAGE_FAULTS = List.of(FaultKind.S3_ERROR_BURST, FaultKind.DATANODE_KILL);

    private static ChaosSeries series(long seed)
    {
        return new ChaosSeries(seed, FAULTS, WORKLOADS, TEMPLATES, WORKERS);
    }

    private static ChaosSeries storageSeries(long seed)
    {
        return new ChaosSeries(seed, STORAGE_FAULTS, WORKLOADS, List.of(), List.of());
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
    void storageFaultsReplayAsTheOthersDo()
    {
        List<ChaosRun> runs = storageSeries(16).runs(200);
        assertThat(storageSeries(16).runs(200)).isEqualTo(runs);
        assertThat(storageSeries(17).runs(200)).isNotEqualTo(runs);
        for (int number : List.of(1, 57, 200)) {
            assertThat(storageSeries(16).run(number)).isEqualTo(runs.get(number - 1));
        }
        assertThat(storageSeries(16).runs(10)).isEqualTo(runs.subList(0, 10));
        assertThat(runs).extracting(run -> run.fault().kind()).containsOnlyElementsOf(STORAGE_FAULTS).containsAll(STORAGE_FAULTS);
    }

    @Test
    void storageFaultsPickEveryChoiceTheyOffer()
    {
        List<ChaosRun> runs = storageSeries(5).runs(200);
        List<Fault> kills = runs.stream().map(ChaosRun::fault).filter(fault -> fault.kind() == FaultKind.DATANODE_KILL).toList();
        assertThat(kills).extracting(fault -> fault.dataNode().orElseThrow()).containsOnly("datanode-1", "datanode-2").contains("datanode-1", "datanode-2");
        assertThat(kills).allSatisfy(fault -> assertThat(fault.burst()).isEmpty());

        List<S3ErrorBurst> bursts = runs.stream().map(ChaosRun::fault).filter(fault -> fault.kind() == FaultKind.S3_ERROR_BURST)
                .map(fault -> fault.burst().orElseThrow()).toList();
        assertThat(bursts).flatExtracting(S3ErrorBurst::kinds).containsOnlyElementsOf(S3ErrorBurst.KINDS).containsAll(S3ErrorBurst.KINDS);
        assertThat(bursts).extracting(burst -> burst.kinds().size()).contains(1, S3ErrorBurst.KINDS.size());
        assertThat(bursts).extracting(S3ErrorBurst::answer).containsOnlyElementsOf(S3ErrorBurst.ANSWERS).containsAll(S3ErrorBurst.ANSWERS);
        assertThat(bursts).extracting(S3ErrorBurst::percent).containsOnlyElementsOf(S3ErrorBurst.PERCENTS).containsAll(S3ErrorBurst.PERCENTS);
        assertThat(bursts).extracting(S3ErrorBurst::length).allSatisfy(length -> assertThat(length).isBetween(S3ErrorBurst.SHORTEST, S3ErrorBurst.LONGEST))
                .contains(S3ErrorBurst.SHORTEST, S3ErrorBurst.LONGEST);
        assertThat(kills).allSatisfy(fault -> assertThat(fault.after()).isBetween(ChaosSeries.EARLIEST, ChaosSeries.LATEST));
        // a burst starts early, where the workload's reads are
        assertThat(runs).filteredOn(run -> run.fault().kind() == FaultKind.S3_ERROR_BURST).extracting(run -> run.fault().after())
                .allSatisfy(after -> assertThat(after).isBetween(S3ErrorBurst.EARLIEST_START, S3ErrorBurst.LATEST_START))
                .contains(S3ErrorBurst.EARLIEST_START, S3ErrorBurst.LATEST_START);
    }

    @Test
    void describesStorageFaultsAsTheyWillBeInjected()
    {
        S3ErrorBurst burst = new S3ErrorBurst(Set.of(S3FaultProxy.Kind.LIST, S3FaultProxy.Kind.GET_OBJECT), S3FaultProxy.Fault.SLOW_DOWN, 50, Duration.ofSeconds(20));
        assertThat(new ChaosRun(3, Fault.s3ErrorBurst(burst, Duration.ofSeconds(4)), Workload.Q39).description())
                .isEqualTo("s3-error-burst (50 % of the GET, LIST requests answered 503 SlowDown for 20 s from +4 s) under q39");
        S3ErrorBurst all = new S3ErrorBurst(Set.of(S3FaultProxy.Kind.UPLOAD_PART), S3FaultProxy.Fault.DROP_DURING_RESPONSE, 100, Duration.ofSeconds(5));
        assertThat(Fault.s3ErrorBurst(all, Duration.ofSeconds(1)).description())
                .isEqualTo("all of the multipart part requests answered a connection dropped during the response for 5 s from +1 s");
        assertThat(new ChaosRun(5, Fault.dataNodeKill("datanode-2", Duration.ofSeconds(7)), Workload.ETL).description())
                .isEqualTo("datanode-kill (SIGKILL datanode-2 at +7 s, started again before the next run) under etl");
        assertThatThrownBy(() -> new S3ErrorBurst(Set.of(S3FaultProxy.Kind.LIST), S3FaultProxy.Fault.SLOW_DOWN, 0, Duration.ofSeconds(5)))
                .hasMessage("A burst faults 1 to 100 percent of its requests: 0");
    }

    @Test
    void refusesWhatCannotRun()
    {
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
