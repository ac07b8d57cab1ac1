package io.trinospot.fis.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TestRebalanceRun
{
    private static final RebalanceRun.Phase DEFAULTS = new RebalanceRun.Phase("defaults", Map.of(), 0, 0, Duration.ofSeconds(45));

    @Test
    void aSpotWorkerThatLeftActiveOnceCountsAsDrained()
    {
        RebalanceRun.PhaseResult result = new RebalanceRun.PhaseResult(DEFAULTS, 2, List.of(),
                Map.of("spot-1", List.of("active"), "spot-2", List.of("active", "draining", "active")), 5, 2);
        assertThat(result.drained()).isEqualTo(1);
        assertThat(result.passed()).as("the defaults allow no drain").isFalse();
    }

    @Test
    void aPhasePassesOnlyWithCorrectRunsAndTheOnDemandWorkersActive()
    {
        Map<String, List<String>> allActive = Map.of("spot-1", List.of("active"), "spot-2", List.of("active"));
        assertThat(new RebalanceRun.PhaseResult(DEFAULTS, 1, List.of(), allActive, 4, 2).passed()).isTrue();
        assertThat(new RebalanceRun.PhaseResult(DEFAULTS, 0, List.of(), allActive, 4, 2).passed()).as("no q39 run finished").isFalse();
        assertThat(new RebalanceRun.PhaseResult(DEFAULTS, 3, List.of("run 2: 1 row missing"), allActive, 4, 2).passed()).isFalse();
        assertThat(new RebalanceRun.PhaseResult(DEFAULTS, 3, List.of(), allActive, 1, 2).passed()).as("an on-demand worker left active").isFalse();
    }
}
