package io.trinospot.watcher.trino;

import io.trinospot.watcher.testing.TricklingPeer;
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
        // Real time on a real socket: a space every 20 ms keeps each read well within 200 ms.
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", (byte) ' ',
                Duration.ofMillis(20))) {
            CoordinatorClient coordinator = new CoordinatorClient(peer.uri(), "trino-spot-watcher", "worker-1", Duration.ofMillis(200));
            CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(coordinator::nodeState));
            // Bounded only to turn a hang into a failure.
            assertThat(call.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(TrinoWorkerException.class)
                    .hasMessageContaining("no answer within 200 ms");
            peer.awaitClosedByClient();
        }
    }

    @Test
    void aQuestionGivesUpAtItsOwnBudget()
            throws Exception
    {
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", (byte) ' ',
                Duration.ofMillis(20))) {
            // A request timeout far above the budget: the budget bounds the question.
            CoordinatorClient coordinator = new CoordinatorClient(peer.uri(), "trino-spot-watcher", "worker-1", Duration.ofMinutes(5));
            CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() -> coordinator.nodeState(Duration.ofMillis(300))));
            // Bounded only to turn a hang into a failure.
            assertThat(call.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(TrinoWorkerException.class)
                    .hasMessageContaining("no answer within")
                    .hasMessageNotContaining("300000 ms");
            peer.awaitClosedByClient();
        }
    }
}
