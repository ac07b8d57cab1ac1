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
import java.util.List;

import static com.google.common.util.concurrent.Futures.immediateVoidFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JMX counters every scheme reports: exact bytes and files, errors, whether storage writes complete inside the call or later. */
class TestInstrumentedExchangeStorage
{
    @TempDir
    Path dir;

    @Test
    void countsEveryByteOfSynchronousLocalWrites()
            throws Exception
    {
        SpotExchangeStats stats = new SpotExchangeStats();
        FileSystemExchangeStorage storage = new InstrumentedExchangeStorage(new LocalFileSystemExchangeStorage(), stats);
        Path file = dir.resolve("0_0.data");
        ExchangeStorageWriter writer = storage.createExchangeStorageWriter(file.toUri());
        Slice chunk = Slices.wrappedBuffer(new byte[4096]);
        for (int i = 0; i < 300; i++) {
            assertThat(writer.write(chunk).isDone()).isTrue();
        }
        // 1.2 MB written: one step of at least 1 MB has reached the counter, the rest waits for the end of the file
        assertThat(stats.getBytesWritten().getTotalCount()).isBetween(1L << 20, 300L * 4096 - 1);
        writer.write(Slices.wrappedBuffer(new byte[100])).get();
        writer.finish().get();

        assertThat(stats.getBytesWritten().getTotalCount()).isEqualTo(300L * 4096 + 100).isEqualTo(Files.size(file));
        assertThat(stats.getFilesWritten().getTotalCount()).isEqualTo(1);
        assertThat(stats.getWriteErrors().getTotalCount()).isZero();
    }

    @Test
    void countsAsynchronousWritesWhenTheyComplete()
            throws Exception
    {
        SpotExchangeStats stats = new SpotExchangeStats();
        ControlledStorage raw = new ControlledStorage();
        ExchangeStorageWriter writer = new InstrumentedExchangeStorage(raw, stats).createExchangeStorageWriter(URI.create("hdfs://nn/exchange/f"));
        ListenableFuture<Void> first = writer.write(Slices.wrappedBuffer(new byte[2 << 20]));
        ListenableFuture<Void> second = writer.write(Slices.wrappedBuffer(new byte[1000]));
        assertThat(stats.getBytesWritten().getTotalCount()).isZero();

        raw.writes.get(0).set(null);
        assertThat(first.isDone()).isTrue();
        assertThat(stats.getBytesWritten().getTotalCount()).isEqualTo(2 << 20);

        raw.writes.get(1).setException(new IOException("DataNode gone"));
        assertThat(second.isDone()).isTrue();
        assertThat(stats.getWriteErrors().getTotalCount()).isEqualTo(1);

        writer.abort();
        // the failed write's bytes are never counted as written
        assertThat(stats.getBytesWritten().getTotalCount()).isEqualTo(2 << 20);
        assertThat(stats.getAbortedFiles().getTotalCount()).isEqualTo(1);
        assertThat(stats.getFilesWritten().getTotalCount()).isZero();
    }

    @Test
    void failedWritesNameTheSpoolFileAndTheCause()
    {
        ControlledStorage raw = new ControlledStorage();
        URI file = URI.create("s3://bucket/exchange/0_0.data");
        ExchangeStorageWriter writer = new InstrumentedExchangeStorage(raw, new SpotExchangeStats()).createExchangeStorageWriter(file);
        ListenableFuture<Void> write = writer.write(Slices.wrappedBuffer(new byte[100]));
        ListenableFuture<Void> cancelled = writer.write(Slices.wrappedBuffer(new byte[100]));

        raw.writes.get(0).setException(new IOException("Status Code: 503"));
        assertThatThrownBy(write::get)
                .hasRootCauseMessage("Status Code: 503")
                .cause().hasMessage("Writing spool file s3://bucket/exchange/0_0.data failed: java.io.IOException: Status Code: 503");
        // an abort's cancellation stays a cancellation
        raw.writes.get(1).cancel(true);
        assertThat(cancelled.isCancelled()).isTrue();
    }

    @Test
    void failedDirectoryCreationNamesTheDirectoryAndTheCause()
    {
        SpotExchangeStats stats = new SpotExchangeStats();
        URI dir = URI.create("hdfs://127.0.0.1:8020/exchange/abc.query.external-exchange-1.3/");
        InstrumentedExchangeStorage storage = new InstrumentedExchangeStorage(new ControlledStorage(), stats);
        // what the HDFS client throws while the NameNode is down: neither the directory nor the operation in it
        assertThatThrownBy(() -> storage.createDirectories(dir))
                .isInstanceOf(IOException.class)
                .hasMessage("Creating spool directory " + dir + " failed: java.net.ConnectException: Connection refused")
                .hasRootCauseMessage("Connection refused");
        assertThat(stats.getMetadataErrors().getTotalCount()).isEqualTo(1);
    }

    @Test
    void failedDeletionNamesTheDirectoriesAndTheCause()
    {
        SpotExchangeStats stats = new SpotExchangeStats();
        ControlledStorage raw = new ControlledStorage();
        InstrumentedExchangeStorage storage = new InstrumentedExchangeStorage(raw, stats);
        URI first = URI.create("hdfs://127.0.0.1:8020/exchange/abc.20261202_000000_00001_abcde.external-exchange-1.3/");
        URI second = URI.create("hdfs://127.0.0.1:8020/exchange/abc.20261202_000000_00001_abcde.external-exchange-1.4/");

        ListenableFuture<Void> one = storage.deleteRecursively(List.of(first));
        raw.deletes.getFirst().setException(new java.net.ConnectException("Connection refused"));
        assertThatThrownBy(one::get)
                .hasRootCauseMessage("Connection refused")
                .cause().hasMessage("Deleting spool directory " + first + " failed: java.net.ConnectException: Connection refused");

        ListenableFuture<Void> two = storage.deleteRecursively(List.of(first, second));
        raw.deletes.getLast().setException(new IOException("Status Code: 503"));
        assertThatThrownBy(two::get)
                .cause().hasMessage("Deleting 2 spool directories, the first " + first + ", failed: java.io.IOException: Status Code: 503");
        assertThat(stats.getMetadataErrors().getTotalCount()).isEqualTo(2);
    }

    @Test
    void abortReportsTheBytesAlreadyWritten()
    {
        SpotExchangeStats stats = new SpotExchangeStats();
        ExchangeStorageWriter writer = new InstrumentedExchangeStorage(new LocalFileSystemExchangeStorage(), stats).createExchangeStorageWriter(dir.resolve("1_0.data").toUri());
        writer.write(Slices.wrappedBuffer(new byte[5000]));
        assertThat(stats.getBytesWritten().getTotalCount()).isZero();
        writer.abort();
        assertThat(stats.getBytesWritten().getTotalCount()).isEqualTo(5000);
        assertThat(stats.getAbortedFiles().getTotalCount()).isEqualTo(1);
    }

    @Test
    void countsEveryByteReadByTheEndOfTheReader()
            throws Exception
    {
        // pages as Trino's sink frames them: a little-endian int length, then the page
        DynamicSliceOutput framed = new DynamicSliceOutput(1 << 20);
        long pageBytes = 0;
        for (int i = 0; i < 40; i++) {
            int length = 3000 + i * 1000;
            framed.writeInt(length);
            framed.writeBytes(new byte[length]);
            pageBytes += length;
        }
        Path file = dir.resolve("2_0.data");
        Files.write(file, framed.slice().getBytes());

        SpotExchangeStats stats = new SpotExchangeStats();
        FileSystemExchangeStorage storage = new InstrumentedExchangeStorage(new LocalFileSystemExchangeStorage(), stats);
        ExchangeStorageReader reader = storage.createExchangeStorageReader(
                List.of(new ExchangeSourceFile(file.toUri(), Files.size(file), new ExchangeId("e"), 0, 0)), 16 << 20, new MetricsBuilder());
        long read = 0;
        int pages = 0;
        while (!reader.isFinished()) {
            reader.isBlocked().get();
            Slice page = reader.read();
            if (page != null) {
                read += page.length();
                pages++;
            }
        }
        reader.close();
        assertThat(pages).isEqualTo(40);
        assertThat(read).isEqualTo(pageBytes);
        assertThat(stats.getBytesRead().getTotalCount()).isEqualTo(pageBytes);
        assertThat(stats.getFilesRequestedForRead().getTotalCount()).isEqualTo(1);
    }

    /** A storage whose writes complete only when the test says so, as HDFS and S3 writes complete on I/O threads. */
    private static final class ControlledStorage
            implements FileSystemExchangeStorage
    {
        final List<SettableFuture<Void>> writes = new ArrayList<>();
        final List<SettableFuture<Void>> deletes = new ArrayList<>();

        @Override
        public ExchangeStorageWriter createExchangeStorageWriter(URI file)
        {
            return new ExchangeStorageWriter()
            {
                @Override
                public ListenableFuture<Void> write(Slice slice)
                {
                    SettableFuture<Void> write = SettableFuture.create();
                    writes.add(write);
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
        public void createDirectories(URI dir)
                throws IOException
        {
            throw new java.net.ConnectException("Connection refused");
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
            SettableFuture<Void> delete = SettableFuture.create();
            deletes.add(delete);
            return delete;
        }

        @Override
        public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getWriteBufferSize()
        {
            return 1 << 20;
        }

        @Override
        public void close()
        {
        }
    }
}
