package io.trinospot.watcher.trino;

import io.trinospot.watcher.testing.TricklingPeer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class TestCoordinatorClient
{
    @Test
    void tricklingCoordinatorCannotHoldAQuestionPastItsRequestTimeout()
            throws Exception
    {
        try (TricklingPeer peer = tricklingCoordinator()) {
            CoordinatorClient coordinator = new CoordinatorClient(peer.uri(), "trino-spot-watcher", "worker-1", Duration.ofMillis(200));
            TrinoWorkerException failure = failure(coordinator::nodeState);
            assertThat(failure).hasMessageContaining("no answer within 200 ms");
            assertThat(failure.failure()).as("a slow coordinator, which the drain asks again").isEqualTo(TrinoWorkerException.Failure.TIMED_OUT);
            peer.awaitClosedByClient();
        }
    }

    @Test
    void aQuestionGivesUpAtItsOwnBudget()
            throws Exception
    {
        try (TricklingPeer peer = tricklingCoordinator()) {
            // A request timeout far above the budget: the budget bounds the question.
            CoordinatorClient coordinator = new CoordinatorClient(peer.uri(), "trino-spot-watcher", "worker-1", Duration.ofMinutes(5));
            assertThat(failure(() -> coordinator.nodeState(Duration.ofMillis(300))))
                    .hasMessageContaining("no answer within")
                    .hasMessageNotContaining("300000 ms")
                    .extracting(TrinoWorkerException::failure).isEqualTo(TrinoWorkerException.Failure.TIMED_OUT);
            peer.awaitClosedByClient();
        }
    }

    // Real time on a real socket: a space every 20 ms keeps each read well within the timeouts above.
    private static TricklingPeer tricklingCoordinator()
            throws Exception
    {
        return new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", (byte) ' ', Duration.ofMillis(20));
    }

    private static TrinoWorkerException failure(ThrowingCallable question)
            throws Exception
    {
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(question));
        // Bounded only to turn a hang into a failure.
        Throwable thrown = call.get(20, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(TrinoWorkerException.class);
        return (TrinoWorkerException) thrown;
    }
}
