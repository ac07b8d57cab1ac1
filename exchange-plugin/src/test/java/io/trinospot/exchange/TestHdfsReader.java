package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.airlift.units.DataSize;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.spi.exchange.ExchangeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HDFS storage's reader over an in-memory Hadoop file system: records, prefetch bound, damage, close. */
class TestHdfsReader
{
    private static final AtomicInteger FILES = new AtomicInteger();

    private HdfsExchangeStorage storage = storage(new HdfsExchangeConfig());

    @AfterEach
    void close()
    {
        storage.close();
    }

    @Test
    void recordsComeBackWholeAndInOrderAcrossReadsAndFiles()
            throws Exception
    {
        // records shorter and longer than one read of the client, an empty one, and a length cut between reads
        List<Slice> first = pages(1, 0, 3, 65_532, 65_536, 200_000, 1);
        List<Slice> second = pages(2, 70_000, 5);
        List<ExchangeSourceFile> files = List.of(file(records(first)), file(records(second)));

        List<Slice> expected = new ArrayList<>(first);
        expected.addAll(second);
        assertThat(readAll(storage.createExchangeStorageReader(files, 16 << 20, new MetricsBuilder()))).containsExactlyElementsOf(expected);
    }

    @Test
    void prefetchStopsAtTheReadBufferSize()
            throws Exception
    {
        storage.close();
        storage = storage(new HdfsExchangeConfig().setReadBufferSize(DataSize.of(16, KILOBYTE)));
        List<Slice> pages = pages(3, new int[100]).stream().map(ignored -> Slices.wrappedBuffer(new byte[1000])).toList();
        ExchangeSourceFile file = file(records(pages));
        ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder());
        long bound = 16 * 1024 + 1000 + Integer.BYTES;
        for (int page = 0; page < pages.size(); page++) {
            reader.isBlocked().get(1, TimeUnit.MINUTES);
            awaitIdle();
            assertThat(MemoryFileSystem.bytesServed(file.getFileUri()))
                    .as("bytes fetched once %s pages were consumed", page)
                    .isLessThanOrEqualTo(page * (1000L + Integer.BYTES) + bound);
            assertThat(reader.getRetainedSize()).isLessThanOrEqualTo(bound + 1024);
            assertThat(reader.read()).isEqualTo(pages.get(page));
        }
        reader.close();
    }

    @Test
    void truncatedRecordLengthFailsNamingTheFile()
    {
        byte[] content = records(pages(4, 10));
        ExchangeSourceFile file = file(Arrays.copyOf(content, content.length + 2));

        assertThatThrownBy(() -> readAll(storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Truncated page header in " + file.getFileUri());
    }

    @Test
    void recordLengthBeyondTheFileFailsNamingFileAndOffset()
    {
        byte[] content = records(pages(5, 10, 20));
        Slices.wrappedBuffer(content).setInt(14, 21);
        ExchangeSourceFile file = file(content);

        assertThatThrownBy(() -> readAll(storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt page length 21 at offset 14 of " + file.getFileUri());
    }

    @Test
    void fileShorterThanListedFails()
    {
        byte[] content = records(pages(6, 10, 20));
        URI uri = MemoryFileSystem.put("/short-" + FILES.incrementAndGet() + ".data", content);
        ExchangeSourceFile file = new ExchangeSourceFile(uri, content.length + 100, new ExchangeId("reader"), 0, 0);

        assertThatThrownBy(() -> readAll(storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(uri + " ended after " + content.length + " bytes, expected " + (content.length + 100));
    }

    @Test
    void recordCutShortFailsNamingTheFile()
    {
        byte[] content = records(pages(7, 100));
        URI uri = MemoryFileSystem.put("/cut-" + FILES.incrementAndGet() + ".data", Arrays.copyOf(content, 50));
        // listed at its full size, so the length is plausible and only the data is missing
        ExchangeSourceFile file = new ExchangeSourceFile(uri, content.length, new ExchangeId("reader"), 0, 0);

        assertThatThrownBy(() -> readAll(storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(uri.toString());
    }

    @Test
    void closeWhileFillingIsSafe()
            throws Exception
    {
        ExchangeSourceFile file = file(records(pages(8, 1000, 1000)));
        CountDownLatch gate = new CountDownLatch(1);
        MemoryFileSystem.gate(file.getFileUri(), gate);
        ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(file), 16 << 20, new MetricsBuilder());
        // the fill is waiting in a read
        while (MemoryFileSystem.readCalls(file.getFileUri()) == 0) {
            Thread.onSpinWait();
        }
        reader.close();
        assertThat(reader.isFinished()).isTrue();
        assertThat(reader.read()).isNull();
        assertThat(reader.isBlocked()).isDone();

        gate.countDown();
        // the fill finds the reader closed and closes the stream itself
        assertThat(MemoryFileSystem.closed(file.getFileUri()).await(1, TimeUnit.MINUTES)).isTrue();
        awaitIdle();
        assertThat(reader.read()).isNull();
        assertThat(reader.getRetainedSize()).isLessThan(1000);
    }

    private void awaitIdle()
    {
        while (storage.getReadThreadsBusy() > 0 || storage.getReadAheadTasksQueued() > 0) {
            Thread.onSpinWait();
        }
    }

    private static HdfsExchangeStorage storage(HdfsExchangeConfig config)
    {
        return new HdfsExchangeStorage(MemoryFileSystem.configuration(), config, List.of());
    }

    private static ExchangeSourceFile file(byte[] content)
    {
        URI uri = MemoryFileSystem.put("/reader-" + FILES.incrementAndGet() + ".data", content);
        return new ExchangeSourceFile(uri, content.length, new ExchangeId("reader"), 0, 0);
    }

    private static List<Slice> pages(int seed, int... lengths)
    {
        Random random = new Random(seed);
        List<Slice> pages = new ArrayList<>();
        for (int length : lengths) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            pages.add(Slices.wrappedBuffer(bytes));
        }
        return pages;
    }

    /** Trino's spool records: a little-endian {@code int} length, then the page. */
    private static byte[] records(List<Slice> pages)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Slice page : pages) {
            Slice length = Slices.allocate(Integer.BYTES);
            length.setInt(0, page.length());
            out.writeBytes(length.getBytes());
            out.writeBytes(page.getBytes());
        }
        return out.toByteArray();
    }

    private static List<Slice> readAll(ExchangeStorageReader reader)
            throws Exception
    {
        List<Slice> pages = new ArrayList<>();
        try {
            while (!reader.isFinished()) {
                reader.isBlocked().get(1, TimeUnit.MINUTES);
                Slice page = reader.read();
                if (page != null) {
                    pages.add(page);
                }
            }
        }
        finally {
            reader.close();
        }
        return pages;
    }
}
