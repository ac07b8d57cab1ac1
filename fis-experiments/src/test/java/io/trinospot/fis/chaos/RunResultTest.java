package io.trinospot.fis.chaos;

import io.trinospot.fis.chaos.QueryCheck.Outcome;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunResultTest
{
    private static final ChaosRun RUN = new ChaosRun(1, Fault.sigkill("spot-1", Duration.ofSeconds(3)), Workload.Q39);
    private static final QueryCheck PASSED = QueryCheck.passed();
    private static final QueryCheck LOUD = new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: NO_NODES_AVAILABLE");
    private static final QueryCheck WRONG = new QueryCheck(Outcome.SILENTLY_WRONG, "242 rows instead of 243");

    @Test
    void aQueryWithAnErrorFailedLoudlyWithTheErrorsFirstLine()
    {
        RuntimeException error = new RuntimeException("Query failed: Encountered too many errors talking to a worker node\nSQL: SELECT 1",
                new SQLException("Encountered too many errors talking to a worker node"));
        assertThat(QueryCheck.classify(Optional.of(error), Optional.empty()))
                .isEqualTo(new QueryCheck(Outcome.FAILED_LOUDLY, "Query failed: Encountered too many errors talking to a worker node"));
        // an error wins over a difference: the user saw the error
        assertThat(QueryCheck.classify(Optional.of(new IllegalStateException()), Optional.of("differs")))
                .isEqualTo(new QueryCheck(Outcome.FAILED_LOUDLY, "IllegalStateException"));
    }

    @Test
    void aResultThatDiffersWithoutAnErrorIsSilentlyWrong()
    {
        assertThat(QueryCheck.classify(Optional.empty(), Optional.of("242 rows instead of 243"))).isEqualTo(WRONG);
        assertThat(QueryCheck.classify(Optional.empty(), Optional.empty())).isEqualTo(PASSED);
    }

    @Test
    void aRunIsAsBadAsItsWorstQuery()
    {
        assertThat(new RunResult(RUN, List.of(PASSED, PASSED), Optional.empty()).outcome()).isEqualTo(PASSED);
        assertThat(new RunResult(RUN, List.of(PASSED, LOUD, PASSED), Optional.empty()).outcome()).isEqualTo(LOUD);
        assertThat(new RunResult(RUN, List.of(WRONG, LOUD), Optional.empty()).outcome()).isEqualTo(WRONG);
    }

    @Test
    void aRunWhoseFaultWasNotInjectedOrThatCheckedNothingFailedLoudly()
    {
        assertThat(new RunResult(RUN, List.of(PASSED), Optional.of("spot-1 is not running")).outcome())
                .isEqualTo(new QueryCheck(Outcome.FAILED_LOUDLY, "fault not injected: spot-1 is not running"));
        assertThat(new RunResult(RUN, List.of(), Optional.empty()).outcome()).isEqualTo(new QueryCheck(Outcome.FAILED_LOUDLY, "no query ran"));
        // a wrong result stays the run's outcome whatever else went wrong
        assertThat(new RunResult(RUN, List.of(WRONG), Optional.of("spot-1 is not running")).outcome()).isEqualTo(WRONG);
    }
}
