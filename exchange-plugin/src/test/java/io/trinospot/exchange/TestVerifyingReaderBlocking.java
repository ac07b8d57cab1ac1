package io.trinospot.exchange;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Trino's exchange source asks each of its readers {@code isBlocked()} on every one of its reads: a waiting verifying
 * reader hands out one future per storage future, so the storage's future gets one listener, not one per call; a
 * finished one is blocked while the other readers of its source (the same {@link MetricsBuilder}) wait.
 */
class TestVerifyingReaderBlocking
{
    private final GatedStorage gated = new GatedStorage();
    private final ChecksummedExchangeStorage storage = new ChecksummedExchangeStorage(gated, 16 << 20, new SpotExchangeStats());

    @Test
    void waitingReaderRestatesTheStorageFutureOnce()
            throws Exception
    {
        ExchangeSourceFile file = gated.file("one");
        ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder());

        ListenableFuture<Void> blocked = reader.isBlocked();
        for (int i = 0; i < 1000; i++) {
            assertThat(reader.read()).isNull();
            assertThat(reader.isBlocked()).isSameAs(blocked);
        }
        assertThat(blocked).isNotDone();
        assertThat(gated.gate(file).listeners).hasValue(1);

        gated.open(file);
        assertThat(blocked).isDone();
        assertThat(readAll(reader)).isEqualTo("one");
        assertThat(gated.gate(file).listeners).hasValue(1);
    }

    @Test
    void eachStorageFutureIsRestatedOnItsOwn()
            throws Exception
    {
        ExchangeSourceFile first = gated.file("first");
        ExchangeSourceFile second = gated.file("second");
        ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(first, second), 16 << 20, new MetricsBuilder());

        ListenableFuture<Void> onFirst = reader.isBlocked();
        gated.open(first);
        assertThat(onFirst).isDone();
        assertThat(reader.read().toStringUtf8()).isEqualTo("first");
        assertThat(reader.read()).isNull();

        ListenableFuture<Void> onSecond = reader.isBlocked();
        assertThat(onSecond).isNotSameAs(onFirst).isNotDone();
        assertThat(reader.isBlocked()).isSameAs(onSecond);
        gated.open(second);
        assertThat(onSecond).isDone();
        assertThat(readAll(reader)).isEqualTo("second");
        assertThat(gated.gate(first).listeners).hasValue(1);
        assertThat(gated.gate(second).listeners).hasValue(1);
    }

    @Test
    void failedStorageFutureNamesTheFileEachTimeItIsAsked()
    {
        ExchangeSourceFile file = gated.file("broken");
        ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder());

        ListenableFuture<Void> blocked = reader.isBlocked();
        gated.gate(file).future.setException(new IOException("connection reset"));
        for (ListenableFuture<Void> future : List.of(blocked, reader.isBlocked())) {
            assertThat(future).isDone();
            assertThatThrownBy(() -> Futures.getDone(future))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Reading spool file " + file.getFileUri() + " failed after offset 0")
                    .hasMessageContaining("connection reset");
        }
    }

    @Test
    void finishedReaderWaitsWhileItsSiblingsWait()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile done = gated.file("done");
        ExchangeSourceFile slow = gated.file("slow");
        ExchangeSourceFile slower = gated.file("slower");
        ExchangeStorageReader finished = storage.createExchangeStorageReader(List.of(done), 16 << 20, source);
        ExchangeStorageReader first = storage.createExchangeStorageReader(List.of(slow), 16 << 20, source);
        ExchangeStorageReader second = storage.createExchangeStorageReader(List.of(slower), 16 << 20, source);
        gated.open(done);
        assertThat(readAll(finished)).isEqualTo("done");

        ListenableFuture<Void> waiting = finished.isBlocked();
        assertThat(waiting).isNotDone();
        assertThat(finished.isBlocked()).isSameAs(waiting);
        gated.open(slower);
        assertThat(waiting).isDone();
        assertThat(finished.isBlocked()).as("a sibling has a page").isDone();

        assertThat(readAll(second)).isEqualTo("slower");
        waiting = finished.isBlocked();
        assertThat(waiting).isNotDone();
        assertThat(second.isBlocked()).as("finished").isNotDone();
        gated.open(slow);
        assertThat(waiting).isDone();
        assertThat(readAll(first)).isEqualTo("slow");
        assertThat(finished.isBlocked()).as("every reader of the source finished").isDone();
        assertThat(gated.gate(slow).listeners).hasValue(1);
        assertThat(gated.gate(slower).listeners).hasValue(1);
    }

    @Test
    void finishedReaderWakesWhenAReaderOfItsSourceStartsOrCloses()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile done = gated.file("done");
        ExchangeStorageReader finished = storage.createExchangeStorageReader(List.of(done), 16 << 20, source);
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(gated.file("slow")), 16 << 20, source);
        gated.open(done);
        assertThat(readAll(finished)).isEqualTo("done");

        ListenableFuture<Void> waiting = finished.isBlocked();
        assertThat(waiting).isNotDone();
        ExchangeStorageReader next = storage.createExchangeStorageReader(List.of(gated.file("next")), 16 << 20, source);
        assertThat(waiting).as("a reader started").isDone();

        waiting = finished.isBlocked();
        assertThat(waiting).isNotDone();
        next.close();
        assertThat(waiting).as("a reader closed").isDone();

        waiting = finished.isBlocked();
        assertThat(waiting).isNotDone();
        slow.close();
        assertThat(waiting).isDone();
        assertThat(finished.isBlocked()).as("no reader of the source left unfinished").isDone();
        finished.close();
        assertThat(finished.isBlocked()).isDone();
    }

    @Test
    void finishedReaderWakesWhenItsSiblingFails()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile done = gated.file("done");
        ExchangeSourceFile broken = gated.file("broken");
        ExchangeStorageReader finished = storage.createExchangeStorageReader(List.of(done), 16 << 20, source);
        ExchangeStorageReader failing = storage.createExchangeStorageReader(List.of(broken), 16 << 20, source);
        gated.open(done);
        assertThat(readAll(finished)).isEqualTo("done");
        ListenableFuture<Void> waiting = finished.isBlocked();

        gated.gate(broken).future.setException(new IOException("connection reset"));
        assertThat(waiting).isDone();
        // the failure is the failing reader's to report
        Futures.getDone(waiting);
        assertThat(failing.isBlocked()).isDone();
        assertThatThrownBy(failing::read).hasMessageContaining("Reading spool file " + broken.getFileUri());
        assertThat(finished.isBlocked()).isDone();
    }

    @Test
    void readersOfOtherSourcesDoNotHoldUpAFinishedOne()
            throws Exception
    {
        ExchangeSourceFile done = gated.file("done");
        ExchangeStorageReader finished = storage.createExchangeStorageReader(List.of(done), 16 << 20, new MetricsBuilder());
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(gated.file("slow")), 16 << 20, new MetricsBuilder());
        gated.open(done);
        assertThat(readAll(finished)).isEqualTo("done");
        assertThat(finished.isBlocked()).isDone();
        assertThat(slow.isBlocked()).isNotDone();
    }

    private static String readAll(ExchangeStorageReader reader)
            throws Exception
    {
        StringBuilder text = new StringBuilder();
        while (!reader.isFinished()) {
            assertThat(reader.isBlocked()).isDone();
            Slice page = reader.read();
            if (page != null) {
                text.append(page.toStringUtf8());
            }
        }
        return text.toString();
    }
}
