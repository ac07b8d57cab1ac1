package io.trinospot.exchange;

import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.spi.exchange.ExchangeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.trinospot.exchange.SpoolFrames.DATA;
import static io.trinospot.exchange.SpoolFrames.END_FRAME_BYTES;
import static io.trinospot.exchange.SpoolFrames.FRAME_OVERHEAD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trino's exchange source reads from any of its readers that is not blocked and keeps a finished one among them
 * until it can start another: a finished reader waits while another reader of the same source is still working.
 */
class TestChecksummedSourceReaders
{
    private static final AtomicInteger FILES = new AtomicInteger();

    private final HdfsExchangeStorage hdfs = new HdfsExchangeStorage(MemoryFileSystem.configuration(), new HdfsExchangeConfig(), List.of());
    private final ChecksummedExchangeStorage storage = new ChecksummedExchangeStorage(hdfs, 16 << 20, new SpotExchangeStats());

    @AfterEach
    void close()
            throws Exception
    {
        storage.close();
    }

    @Test
    void finishedReaderWaitsForTheOtherReadersOfItsSource()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile slowFile = file("slow");
        CountDownLatch gate = new CountDownLatch(1);
        MemoryFileSystem.gate(slowFile.getFileUri(), gate);
        ExchangeStorageReader done = storage.createExchangeStorageReader(List.of(file("done")), 16 << 20, source);
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(slowFile), 16 << 20, source);

        assertThat(readAll(done)).isEqualTo("done");
        assertThat(done.isFinished()).isTrue();
        ListenableFuture<Void> waiting = done.isBlocked();
        assertThat(waiting).as("finished while another reader of its source waits for the storage").isNotDone();
        assertThat(slow.isBlocked()).isNotDone();

        gate.countDown();
        assertThat(readAll(slow)).isEqualTo("slow");
        assertThat(waiting).isDone();
        assertThat(done.isBlocked()).isDone();
        assertThat(slow.isBlocked()).isDone();
    }

    @Test
    void finishedReaderWakesWhenTheSourceStartsAnother()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile slowFile = file("slow");
        MemoryFileSystem.gate(slowFile.getFileUri(), new CountDownLatch(1));
        ExchangeStorageReader done = storage.createExchangeStorageReader(List.of(file("done")), 16 << 20, source);
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(slowFile), 16 << 20, source);
        assertThat(readAll(done)).isEqualTo("done");
        ListenableFuture<Void> waiting = done.isBlocked();
        assertThat(waiting).isNotDone();

        // the source may now drop the finished reader and must look at the new one
        ExchangeStorageReader next = storage.createExchangeStorageReader(List.of(file("next")), 16 << 20, source);
        assertThat(waiting).isDone();
        assertThat(readAll(next)).isEqualTo("next");
        slow.close();
        assertThat(done.isBlocked()).isDone();
    }

    @Test
    void readersOfOtherSourcesDoNotHoldUpAFinishedOne()
            throws Exception
    {
        ExchangeSourceFile slowFile = file("slow");
        MemoryFileSystem.gate(slowFile.getFileUri(), new CountDownLatch(1));
        ExchangeStorageReader done = storage.createExchangeStorageReader(List.of(file("done")), 16 << 20, new MetricsBuilder());
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(slowFile), 16 << 20, new MetricsBuilder());

        assertThat(readAll(done)).isEqualTo("done");
        assertThat(done.isBlocked()).isDone();
        slow.close();
    }

    @Test
    void closedReaderCountsAsFinished()
            throws Exception
    {
        MetricsBuilder source = new MetricsBuilder();
        ExchangeSourceFile slowFile = file("slow");
        MemoryFileSystem.gate(slowFile.getFileUri(), new CountDownLatch(1));
        ExchangeStorageReader done = storage.createExchangeStorageReader(List.of(file("done")), 16 << 20, source);
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(slowFile), 16 << 20, source);
        assertThat(readAll(done)).isEqualTo("done");
        ListenableFuture<Void> waiting = done.isBlocked();

        slow.close();
        assertThat(waiting).isDone();
        assertThat(slow.isFinished()).isTrue();
        assertThat(done.isBlocked()).isDone();
    }

    @Test
    void waitingReaderGivesTheSameFutureEachTimeItIsAsked()
            throws Exception
    {
        // Trino asks each reader on every read of its source: one restated future per storage future, not one per call
        ExchangeSourceFile slowFile = file("slow");
        CountDownLatch gate = new CountDownLatch(1);
        MemoryFileSystem.gate(slowFile.getFileUri(), gate);
        ExchangeStorageReader slow = storage.createExchangeStorageReader(List.of(slowFile), 16 << 20, new MetricsBuilder());
        ListenableFuture<Void> blocked = slow.isBlocked();
        assertThat(slow.isBlocked()).isSameAs(blocked);

        gate.countDown();
        assertThat(readAll(slow)).isEqualTo("slow");
        assertThat(blocked).isDone();
    }

    /** A checksummed spool file holding one page: {@code text}. */
    private static ExchangeSourceFile file(String text)
    {
        Slice page = Slices.utf8Slice(text);
        byte[] body = new byte[Integer.BYTES + page.length()];
        Slices.wrappedBuffer(body).setInt(0, page.length());
        page.getBytes(0, body, Integer.BYTES, page.length());
        byte[] content = new byte[FRAME_OVERHEAD + body.length + END_FRAME_BYTES];
        System.arraycopy(body, 0, content, FRAME_OVERHEAD, body.length);
        int length = SpoolFrames.seal(content, 0, DATA, 0, body.length);
        SpoolFrames.end(content, length, 1, body.length);
        URI uri = MemoryFileSystem.put("/source-readers-%d/%s.data".formatted(FILES.incrementAndGet(), text), content);
        return new ExchangeSourceFile(uri, content.length, new ExchangeId("source-readers"), 0, 0);
    }

    private static String readAll(ExchangeStorageReader reader)
            throws Exception
    {
        StringBuilder text = new StringBuilder();
        while (!reader.isFinished()) {
            reader.isBlocked().get(1, TimeUnit.MINUTES);
            Slice page = reader.read();
            if (page != null) {
                text.append(page.toStringUtf8());
            }
        }
        return text.toString();
    }
}
