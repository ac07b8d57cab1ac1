package io.trinospot.fis.local;

import io.trinospot.fis.local.ImdsFaultMatrix.Case;
import io.trinospot.fis.local.ImdsFaultMatrix.Expect;
import io.trinospot.fis.local.ImdsFaultMatrix.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TestImdsFaultMatrix
{
    private static final Case NOTICE = new Case("notice", "a notice", Expect.DRAIN, false, Duration.ofSeconds(20), (imds, start) -> {});
    private static final Case STORM = new Case("storm", "a 5xx storm", Expect.NO_DRAIN, true, Duration.ofSeconds(20), (imds, start) -> {});

    @Test
    void everyCaseTheIssueNamesIsThereOnceAndEachDrainCaseComesWithANoDrainOne()
    {
        List<String> names = ImdsFaultMatrix.cases().stream().map(Case::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("notice-time-past", "notice-time-far-future", "unknown-action", "bad-time",
                "scheduled-event-cancelled", "scheduled-event-rescheduled", "token-blackhole", "trickle", "401-storm", "5xx-storm", "garbage-json");
        assertThat(ImdsFaultMatrix.cases()).extracting(Case::expect).contains(Expect.DRAIN, Expect.NO_DRAIN);
        // the watcher has to notice silence well within each case's watch
        assertThat(ImdsFaultMatrix.SETTINGS).containsEntry("watcher.dry-run", "true");
    }

    @Test
    void anOutcomePassesOnlyWhenDrainAndHealthAreBothAsExpected()
    {
        assertThat(new Outcome(NOTICE, true, Optional.of(Duration.ofSeconds(1)), false, true).passed()).isTrue();
        Outcome missed = new Outcome(NOTICE, false, Optional.empty(), false, true);
        assertThat(missed.passed()).isFalse();
        assertThat(missed.missedNotice()).isTrue();
        assertThat(new Outcome(NOTICE, true, Optional.of(Duration.ofSeconds(1)), true, true).passed()).as("unhealthy where it must not be").isFalse();

        assertThat(new Outcome(STORM, false, Optional.empty(), true, true).passed()).isTrue();
        Outcome falseDrain = new Outcome(STORM, true, Optional.of(Duration.ofSeconds(3)), true, true);
        assertThat(falseDrain.falseDrain()).isTrue();
        assertThat(new Outcome(STORM, false, Optional.empty(), false, true).passed()).as("blind and still healthy").isFalse();

        assertThat(ImdsFaultMatrix.summary(List.of(missed, falseDrain)))
                .isEqualTo(Map.of("cases", 2L, "as expected", 0L, "missed notices", 1L, "false drains", 1L));
    }
}
