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
 * reader hands out one future per storage future, so the storage's future gets one listener, not one per call.
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
