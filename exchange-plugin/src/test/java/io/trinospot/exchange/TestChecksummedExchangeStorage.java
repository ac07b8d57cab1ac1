package io.trinospot.exchange;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import io.airlift.slice.DynamicSliceOutput;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.ExchangeStorageWriter;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.plugin.exchange.filesystem.local.LocalFileSystemExchangeStorage;
import io.trino.spi.exchange.ExchangeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static com.google.common.util.concurrent.Futures.immediateVoidFuture;
import static io.trinospot.exchange.SpoolFrames.END_FRAME_BYTES;
import static io.trinospot.exchange.SpoolFrames.FRAME_OVERHEAD;
import static java.lang.Math.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checksummed spool format over real local files, and the writes it hands a storage (S3 parts). */
class TestChecksummedExchangeStorage
{
    private static final int MAX_PAGE_STORAGE_SIZE = 16 << 20;

    @TempDir
    Path dir;

    private final SpotExchangeStats stats = new SpotExchangeStats();
    private final FileSystemExchangeStorage storage = new ChecksummedExchangeStorage(new LocalFileSystemExchangeStorage(), MAX_PAGE_STORAGE_SIZE, stats);

    @Test
    void pagesSpanningFramesAndFilesReadBackInOrder()
            throws Exception
    {
        // local writes are 4 kB: pages from empty to many frames long, pages and a page length cut between frames
        List<List<Slice>> written = List.of(
                pages(1, 0, 1, 3, 4091, 4092, 4096, 10_000, 70_000),
                pages(2, 4090, 5, 4096 * 3),
                pages(3, 200_000, 7));
        List<ExchangeSourceFile> files = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            files.add(write(storage, "%d_0.data".formatted(i), written.get(i)));
        }

        assertThat(read(storage, files)).containsExactlyElementsOf(written.stream().flatMap(List::stream).toList());
        assertThat(stats.getCorruptSpoolFiles().getTotalCount()).isZero();
    }

    @Test
    void fileIsFramesOfEachWriteClosedByAnEndFrame()
            throws Exception
    {
        List<Slice> pages = pages(4, 10_000);
        ExchangeSourceFile file = write(storage, "0_0.data", pages);

        // 10 004 bytes of records in writes of 4096, 4096 and 1812 bytes, then the END frame
        Slice content = Slices.wrappedBuffer(Files.readAllBytes(Path.of(file.getFileUri())));
        assertThat(content.length()).isEqualTo(10_004 + 3 * FRAME_OVERHEAD + END_FRAME_BYTES);
        assertThat(content.getInt(0)).isEqualTo(SpoolFrames.HEADER_BYTES + 4096);
        assertThat(content.slice(4, 4).toStringUtf8()).isEqualTo("SPC1");
        Slice end = content.slice(content.length() - END_FRAME_BYTES, END_FRAME_BYTES);
        assertThat(end.getInt(0)).isEqualTo(SpoolFrames.HEADER_BYTES + Long.BYTES);
        assertThat(end.getInt(8)).isEqualTo(SpoolFrames.END);
        assertThat(end.getInt(12)).as("frame index").isEqualTo(3);
        assertThat(end.getLong(20)).as("bytes of records").isEqualTo(10_004);
    }

    @Test
    void framesNeverExceedThePageStorageSize()
            throws Exception
    {
        // Trino's S3 reader holds one record of at most exchange.max-page-storage-size beyond its ranged reads
        FileSystemExchangeStorage small = new ChecksummedExchangeStorage(new LocalFileSystemExchangeStorage(), 1000, stats);
        List<Slice> pages = pages(5, 9000, 10);
        ExchangeSourceFile file = write(small, "0_0.data", pages);
        Slice content = Slices.wrappedBuffer(Files.readAllBytes(Path.of(file.getFileUri())));
        int frames = 0;
        for (int offset = 0; offset < content.length(); offset += Integer.BYTES + content.getInt(offset)) {
            assertThat(Integer.BYTES + content.getInt(offset)).isLessThanOrEqualTo(1000);
            frames++;
        }
        assertThat(frames).isEqualTo(11 + 1);
        assertThat(read(small, List.of(file))).containsExactlyElementsOf(pages);
    }

    @Test
    void eachSinkWriteStaysOneStorageWriteAndTheShortLastOneCarriesTheEndFrame()
            throws Exception
    {
        RecordingStorage recording = new RecordingStorage(1000);
        FileSystemExchangeStorage framed = new ChecksummedExchangeStorage(recording, MAX_PAGE_STORAGE_SIZE, stats);

        // S3: every part but the last at least the part size, and a short first write is the whole object
        ExchangeStorageWriter writer = framed.createExchangeStorageWriter(URI.create("s3://bucket/multi"));
        writer.write(Slices.allocate(1000));
        writer.write(Slices.allocate(1000));
        assertThat(writer.write(Slices.allocate(300)).isDone()).as("held back, the sink may reuse its buffer").isTrue();
        assertThat(recording.writes).hasSize(2);
        writer.finish().get();
        assertThat(recording.writes).containsExactly(1000 + FRAME_OVERHEAD, 1000 + FRAME_OVERHEAD, 300 + FRAME_OVERHEAD + END_FRAME_BYTES);

        recording.writes.clear();
        ExchangeStorageWriter single = framed.createExchangeStorageWriter(URI.create("s3://bucket/single"));
        single.write(Slices.allocate(10));
        single.finish().get();
        assertThat(recording.writes).containsExactly(10 + FRAME_OVERHEAD + END_FRAME_BYTES);

        recording.writes.clear();
        ExchangeStorageWriter full = framed.createExchangeStorageWriter(URI.create("s3://bucket/full"));
        full.write(Slices.allocate(1000));
        full.finish().get();
        assertThat(recording.writes).containsExactly(1000 + FRAME_OVERHEAD, END_FRAME_BYTES);
    }

    @Test
    void framedCopiesCountAsTheWritersMemoryUntilTheStorageHasThem()
    {
        RecordingStorage recording = new RecordingStorage(1000);
        recording.completeWrites = false;
        ExchangeStorageWriter writer = new ChecksummedExchangeStorage(recording, MAX_PAGE_STORAGE_SIZE, stats).createExchangeStorageWriter(URI.create("s3://bucket/f"));
        long idle = writer.getRetainedSize();
        ListenableFuture<Void> write = writer.write(Slices.allocate(1000));
        assertThat(write.isDone()).as("the sink's buffer stays taken while the copy is written").isFalse();
        assertThat(writer.getRetainedSize()).isEqualTo(idle + 1000 + FRAME_OVERHEAD);
        recording.pending.getFirst().set(null);
        assertThat(write.isDone()).isTrue();
        assertThat(writer.getRetainedSize()).isEqualTo(idle);

        writer.write(Slices.allocate(10));
        assertThat(writer.getRetainedSize()).as("the short last write, held back").isEqualTo(idle + 10 + FRAME_OVERHEAD + END_FRAME_BYTES);
        writer.abort();
        assertThat(writer.getRetainedSize()).isEqualTo(idle);
    }

    @Test
    void failedWriteFailsTheFinish()
    {
        RecordingStorage recording = new RecordingStorage(1000);
        recording.completeWrites = false;
        ExchangeStorageWriter writer = new ChecksummedExchangeStorage(recording, MAX_PAGE_STORAGE_SIZE, stats).createExchangeStorageWriter(URI.create("hdfs://nn/f"));
        writer.write(Slices.allocate(1000));
        recording.pending.getFirst().setException(new IOException("DataNode gone"));
        ListenableFuture<Void> finish = writer.finish();
        recording.pending.getLast().set(null);
        assertThatThrownBy(finish::get).hasMessageContaining("DataNode gone");
    }

    @Test
    void fileWithoutSpoolFramesIsRejected()
            throws Exception
    {
        // Trino's own exchange writes the records unframed
        ExchangeSourceFile file = write(new LocalFileSystemExchangeStorage(), "0_0.data", pages(6, 100, 2000));
        assertThatThrownBy(() -> read(storage, List.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessage("Spool file %s is corrupt at offset 0: no spool frame there (a file not written in this plugin's checksummed format, or damaged)", file.getFileUri());
        assertThat(stats.getCorruptSpoolFiles().getTotalCount()).isEqualTo(1);
    }

    @Test
    void fileCutAtAFrameBoundaryIsNamedWhenTheNextFileStarts()
            throws Exception
    {
        ExchangeSourceFile first = write(storage, "0_0.data", pages(7, 5000, 5000));
        ExchangeSourceFile second = write(storage, "1_0.data", pages(8, 300));
        // the END frame and the last data frame gone: the first file now ends on a frame boundary
        ExchangeSourceFile cut = truncate(first, END_FRAME_BYTES + (10_008 - 2 * 4096) + FRAME_OVERHEAD);

        assertThatThrownBy(() -> read(storage, List.of(cut, second)))
                .hasMessage("Spool file %s is corrupt at offset %d: frame 0 where frame 2 belongs (frames lost)", first.getFileUri(), cut.getFileSize());
    }

    @Test
    void lastFileCutAtAFrameBoundaryFailsAtTheEnd()
            throws Exception
    {
        ExchangeSourceFile file = truncate(write(storage, "0_0.data", pages(9, 3000)), END_FRAME_BYTES);
        assertThatThrownBy(() -> read(storage, List.of(file)))
                .hasMessage("Spool file %s is corrupt at offset %d: it ends without its END frame (truncated)", file.getFileUri(), file.getFileSize());
    }

    @Test
    void emptyFileIsCorrupt()
            throws Exception
    {
        ExchangeSourceFile file = truncate(write(storage, "0_0.data", pages(10, 3000)), 3000 + 4 + FRAME_OVERHEAD + END_FRAME_BYTES);
        assertThat(file.getFileSize()).isZero();
        assertThatThrownBy(() -> read(storage, List.of(file)))
                .hasMessage("Spool file %s is corrupt at offset 0: it has 0 bytes, fewer than its END frame alone", file.getFileUri());
    }

    @Test
    void flippedBitFailsWithTheFramesOffset()
            throws Exception
    {
        ExchangeSourceFile file = write(storage, "0_0.data", pages(11, 3000, 3000));
        byte[] content = Files.readAllBytes(Path.of(file.getFileUri()));
        // in the second frame's body
        content[4096 + FRAME_OVERHEAD + 100] ^= 0x04;
        Files.write(Path.of(file.getFileUri()), content);
        assertThatThrownBy(() -> read(storage, List.of(file)))
                .hasMessage("Spool file %s is corrupt at offset %d: checksum mismatch in a frame of %d bytes", file.getFileUri(), 4096 + FRAME_OVERHEAD, SpoolFrames.HEADER_BYTES + 6008 - 4096);
    }

    @Test
    void fileLongerThanListedIsCorrupt()
            throws Exception
    {
        ExchangeSourceFile file = write(storage, "0_0.data", pages(12, 3000));
        ExchangeSourceFile listedLonger = new ExchangeSourceFile(file.getFileUri(), file.getFileSize() + 10, new ExchangeId("e"), 0, 0);
        assertThatThrownBy(() -> read(storage, List.of(listedLonger)))
                .hasMessageContaining("its END frame ends at offset %d, but the file has %d bytes".formatted(file.getFileSize(), file.getFileSize() + 10));
    }

    private ExchangeSourceFile write(FileSystemExchangeStorage target, String name, List<Slice> pages)
            throws Exception
    {
        // as Trino's sink: records (little-endian int length, page) cut into buffers of the storage's write size
        DynamicSliceOutput records = new DynamicSliceOutput(1024);
        for (Slice page : pages) {
            records.writeInt(page.length());
            records.writeBytes(page);
        }
        Slice all = records.slice();
        Path file = dir.resolve(name);
        ExchangeStorageWriter writer = target.createExchangeStorageWriter(file.toUri());
        int size = target.getWriteBufferSize();
        for (int offset = 0; offset < all.length(); offset += size) {
            writer.write(Slices.wrappedBuffer(all.getBytes(offset, min(size, all.length() - offset)))).get();
        }
        writer.finish().get();
        return new ExchangeSourceFile(file.toUri(), Files.size(file), new ExchangeId("e"), 0, 0);
    }

    private static ExchangeSourceFile truncate(ExchangeSourceFile file, long bytes)
            throws IOException
    {
        Path path = Path.of(file.getFileUri());
        byte[] content = Files.readAllBytes(path);
        Files.write(path, Arrays.copyOf(content, content.length - (int) bytes));
        return new ExchangeSourceFile(file.getFileUri(), Files.size(path), new ExchangeId("e"), 0, 0);
    }

    private static List<Slice> read(FileSystemExchangeStorage source, List<ExchangeSourceFile> files)
            throws Exception
    {
        List<Slice> pages = new ArrayList<>();
        try (ExchangeStorageReader reader = source.createExchangeStorageReader(files, MAX_PAGE_STORAGE_SIZE, new MetricsBuilder())) {
            while (!reader.isFinished()) {
                reader.isBlocked().get();
                Slice page = reader.read();
                if (page != null) {
                    pages.add(Slices.wrappedBuffer(page.getBytes()));
                }
            }
        }
        return pages;
    }

    private static List<Slice> pages(long seed, int... lengths)
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

    /** Records the size of every write it is given; completes them at once or when the test says so. */
    private static final class RecordingStorage
            implements FileSystemExchangeStorage
    {
        final List<Integer> writes = new ArrayList<>();
        final List<SettableFuture<Void>> pending = new ArrayList<>();
        final int writeBufferSize;
        boolean completeWrites = true;

        RecordingStorage(int writeBufferSize)
        {
            this.writeBufferSize = writeBufferSize;
        }

        @Override
        public ExchangeStorageWriter createExchangeStorageWriter(URI file)
        {
            return new ExchangeStorageWriter()
            {
                @Override
                public ListenableFuture<Void> write(Slice slice)
                {
                    writes.add(slice.length());
                    if (completeWrites) {
                        return immediateVoidFuture();
                    }
                    SettableFuture<Void> write = SettableFuture.create();
                    pending.add(write);
                    return write;
                }

                @Override
                public ListenableFuture<Void> finish()
                {
                    return immediateVoidFuture();
                }

                @Override
                public ListenableFuture<Void> abort()
                {
                    return immediateVoidFuture();
                }

                @Override
                public long getRetainedSize()
                {
                    return 0;
                }
            };
        }

        @Override
        public int getWriteBufferSize()
        {
            return writeBufferSize;
        }

        @Override
        public void createDirectories(URI dir)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ListenableFuture<Void> createEmptyFile(URI file)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ListenableFuture<Void> deleteRecursively(List<URI> directories)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close()
        {
        }
    }
}
