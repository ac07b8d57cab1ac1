package io.trinospot.fis.chaos;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workload against the fault, with latches for the cluster: which queries run, and when they stop. */
class FaultWindowTest
{
    private static final ChaosRun RUN = new ChaosRun(1, Fault.sigkill("spot-1", Duration.ofSeconds(3)), Workload.Q39);

    private final List<Integer> started = Collections.synchronizedList(new ArrayList<>());
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Query N starts, and returns at once, or, when it is {@code lastNumber}, once no query will start any more. */
    private QueryCheck query(int number, int lastNumber, CountDownLatch lastStarted)
    {
        started.add(number);
        if (number == lastNumber) {
            lastStarted.countDown();
            await(closed);
        }
        return QueryCheck.passed();
    }

    @Test
    void queriesRunBackToBackUntilTheFaultIsOverAndTheOneInFlightIsTheLast()
            throws Exception
    {
        CountDownLatch thirdStarted = new CountDownLatch(1);
        RunResult result = FaultWindow.run(RUN, number -> query(number, 3, thirdStarted), thirdStarted::await, progress::add, closed::countDown, FaultWindowTest::noPause);
        assertThat(started).containsExactly(1, 2, 3);
        assertThat(result.queries()).hasSize(3);
        assertThat(result.injectionProblem()).isEmpty();
        assertThat(result.outcome().outcome()).isEqualTo(QueryCheck.Outcome.PASSED);
        assertThat(progress).isEmpty();
    }

    @Test
    void everyRunChecksAtLeastOneQueryEvenWhenItsFaultIsOverAtOnce()
            throws Exception
    {
        CountDownLatch firstStarted = new CountDownLatch(1);
        RunResult result = FaultWindow.run(RUN, number -> query(number, 1, firstStarted), () -> {}, progress::add, closed::countDown, FaultWindowTest::noPause);
        assertThat(started).containsExactly(1);
        assertThat(result.queries()).containsExactly(QueryCheck.passed());
    }

    @Test
    void aFaultThatCannotBeInjectedIsRecordedAndTheWorkloadStops()
            throws Exception
    {
        CountDownLatch firstStarted = new CountDownLatch(1);
        RunResult result = FaultWindow.run(RUN, number -> query(number, 1, firstStarted), () -> {
            throw new IOException("spot-1's IMDS emulator does not answer");
        }, progress::add, closed::countDown, FaultWindowTest::noPause);
        assertThat(started).containsExactly(1);
        assertThat(result.injectionProblem()).contains("spot-1's IMDS emulator does not answer");
        assertThat(result.outcome()).isEqualTo(new QueryCheck(QueryCheck.Outcome.FAILED_LOUDLY, "fault not injected: spot-1's IMDS emulator does not answer"));
        assertThat(progress).containsExactly("could not inject the fault: spot-1's IMDS emulator does not answer");
    }

    @Test
    void anInterruptedRunStopsItsWorkload()
    {
        CountDownLatch firstStarted = new CountDownLatch(1);
        assertThatThrownBy(() -> FaultWindow.run(RUN, number -> query(number, 1, firstStarted), () -> {
            firstStarted.await();
            throw new InterruptedException("Ctrl-C");
        }, progress::add, closed::countDown, FaultWindowTest::noPause)).isInstanceOf(InterruptedException.class);
        assertThat(closed.getCount()).isZero();
        assertThat(started).containsExactly(1);
        assertThat(progress).isEmpty();
    }

    @Test
    void aFailedQueryIsFollowedByAPauseWhileTheFaultLasts()
            throws Exception
    {
        QueryCheck failed = new QueryCheck(QueryCheck.Outcome.FAILED_LOUDLY, "Failed to list directory: s3://lake/item");
        CountDownLatch thirdStarted = new CountDownLatch(1);
        List<String> pauses = Collections.synchronizedList(new ArrayList<>());
        RunResult result = FaultWindow.run(RUN, number -> {
            started.add(number);
            if (number == 3) {
                thirdStarted.countDown();
                await(closed);
            }
            // the first two fail during the fault, the third fails after it
            return failed;
        }, thirdStarted::await, progress::add, closed::countDown, (check, faultOver) -> pauses.add(check.detail() + " while the fault lasts: " + (faultOver.getCount() > 0)));

        assertThat(started).containsExactly(1, 2, 3);
        assertThat(result.queries()).containsExactly(failed, failed, failed);
        // after queries 1 and 2; none after the last, which ended once the fault was over
        assertThat(pauses).containsExactly(
                "Failed to list directory: s3://lake/item while the fault lasts: true",
                "Failed to list directory: s3://lake/item while the fault lasts: true");
    }

    private static void noPause(QueryCheck failed, CountDownLatch faultOver)
    {
        throw new AssertionError("no query failed, so nothing should pause");
    }

    private static void await(CountDownLatch latch)
    {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
