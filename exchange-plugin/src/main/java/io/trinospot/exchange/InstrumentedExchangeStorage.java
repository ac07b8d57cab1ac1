package io.trinospot.exchange;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.slice.Slice;
import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.ExchangeStorageWriter;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

/** Counts bytes, files, errors and latencies around any storage, so every scheme reports the same JMX stats. */
public final class InstrumentedExchangeStorage
        implements FileSystemExchangeStorage
{
    private final FileSystemExchangeStorage delegate;
    private final SpotExchangeStats stats;

    public InstrumentedExchangeStorage(FileSystemExchangeStorage delegate, SpotExchangeStats stats)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.stats = requireNonNull(stats, "stats is null");
    }

    public FileSystemExchangeStorage delegate()
    {
        return delegate;
    }

    @Override
    public void createDirectories(URI dir)
            throws IOException
    {
        try {
            delegate.createDirectories(dir);
        }
        catch (IOException | UncheckedIOException e) {
            stats.getMetadataErrors().update(1);
            // On the coordinator, creating a sink's directory fails the whole query: say which and why (an HDFS
            // client names neither the directory nor the operation when the NameNode is unreachable).
            throw SpoolFailures.failed("Creating spool directory", dir, e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e);
        }
        catch (RuntimeException e) {
            stats.getMetadataErrors().update(1);
            throw e;
        }
    }

    @Override
    public ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
    {
        stats.getFilesRequestedForRead().update(sourceFiles.size());
        ExchangeStorageReader reader = delegate.createExchangeStorageReader(sourceFiles, maxPageStorageSize, metricsBuilder);
        BatchedCounter bytesRead = new BatchedCounter(stats.getBytesRead());
        return new ExchangeStorageReader()
        {
            @Override
            public Slice read()
                    throws IOException
            {
                try {
                    Slice page = reader.read();
                    if (page != null) {
                        bytesRead.add(page.length());
                    }
                    return page;
                }
                catch (IOException | RuntimeException e) {
                    stats.getReadErrors().update(1);
                    throw e;
                }
            }

            @Override
            public ListenableFuture<Void> isBlocked()
            {
                return reader.isBlocked();
            }

            @Override
            public long getRetainedSize()
            {
                return reader.getRetainedSize();
            }

            @Override
            public boolean isFinished()
            {
                return reader.isFinished();
            }

            @Override
            public void close()
            {
                bytesRead.flush();
                reader.close();
            }
        };
    }

    @Override
    public ExchangeStorageWriter createExchangeStorageWriter(URI file)
    {
        ExchangeStorageWriter writer = delegate.createExchangeStorageWriter(file);
        BatchedCounter bytesWritten = new BatchedCounter(stats.getBytesWritten());
        return new ExchangeStorageWriter()
        {
            @Override
            public ListenableFuture<Void> write(Slice slice)
            {
                int length = slice.length();
                long start = System.nanoTime();
                ListenableFuture<Void> future = writer.write(slice);
                // A storage that writes inside the call (the local directory, in 4 kB buffers) hands back a done
                // future: its latency is the caller's own time. A latency sample and a counter update per 4 kB write
                // made local writes cost 2.2 instead of 1.7 CPU s/GB. Only writes that complete later are timed.
                TimeStat latency = future.isDone() ? null : stats.getWriteLatency();
                return naming(track(future, start, latency, stats.getWriteErrors(), () -> bytesWritten.add(length)), "Writing spool file", file);
            }

            @Override
            public ListenableFuture<Void> finish()
            {
                long start = System.nanoTime();
                ListenableFuture<Void> future = writer.finish();
                // after every write of the file has completed, whether the file made it or not
                future.addListener(bytesWritten::flush, directExecutor());
                return naming(track(future, start, stats.getFinishLatency(), stats.getWriteErrors(), () -> stats.getFilesWritten().update(1)), "Finishing spool file", file);
            }

            @Override
            public ListenableFuture<Void> abort()
            {
                bytesWritten.flush();
                stats.getAbortedFiles().update(1);
                return writer.abort();
            }

            @Override
            public long getRetainedSize()
            {
                return writer.getRetainedSize();
            }
        };
    }

    @Override
    public ListenableFuture<Void> createEmptyFile(URI file)
    {
        long start = System.nanoTime();
        return naming(track(delegate.createEmptyFile(file), start, null, stats.getMetadataErrors(), () -> {}), "Creating", file);
    }

    @Override
    public ListenableFuture<Void> deleteRecursively(List<URI> directories)
    {
        long start = System.nanoTime();
        return SpoolFailures.restated(track(delegate.deleteRecursively(directories), start, stats.getDeleteLatency(), stats.getMetadataErrors(), () -> {}),
                failure -> SpoolFailures.failed("Deleting", switch (directories.size()) {
                    case 0 -> "no spool directories";
                    case 1 -> "spool directory " + directories.getFirst();
                    default -> directories.size() + " spool directories, the first " + directories.getFirst() + ",";
                }, failure));
    }

    @Override
    public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
    {
        long start = System.nanoTime();
        return naming(track(delegate.listFilesRecursively(dir), start, stats.getListLatency(), stats.getMetadataErrors(), () -> {}), "Listing spool directory", dir);
    }

    @Override
    public int getWriteBufferSize()
    {
        return delegate.getWriteBufferSize();
    }

    @Override
    public void close()
            throws IOException
    {
        delegate.close();
    }

    private static <T> ListenableFuture<T> naming(ListenableFuture<T> future, String operation, URI uri)
    {
        return SpoolFailures.restated(future, failure -> SpoolFailures.failed(operation, uri, failure));
    }

    private static <T> ListenableFuture<T> track(ListenableFuture<T> future, long start, TimeStat latency, CounterStat errors, Runnable onSuccess)
    {
        Futures.addCallback(future, new FutureCallback<>()
        {
            @Override
            public void onSuccess(T result)
            {
                if (latency != null) {
                    latency.addNanos(System.nanoTime() - start);
                }
                onSuccess.run();
            }

            @Override
            public void onFailure(Throwable t)
            {
                errors.update(1);
            }
        }, directExecutor());
        return future;
    }

    /**
     * Bytes one writer wrote or one reader read, handed to the shared counter in steps of at least
     * {@value #REPORT_BYTES} bytes and at the end: the counter's decaying rates take a lock and compute exponentials
     * on every update.
     */
    private static final class BatchedCounter
    {
        private static final long REPORT_BYTES = 1 << 20;

        private final CounterStat counter;
        private final AtomicLong unreported = new AtomicLong();

        BatchedCounter(CounterStat counter)
        {
            this.counter = counter;
        }

        void add(long bytes)
        {
            if (unreported.addAndGet(bytes) >= REPORT_BYTES) {
                flush();
            }
        }

        void flush()
        {
            long bytes = unreported.getAndSet(0);
            if (bytes > 0) {
                counter.update(bytes);
            }
        }
    }
}
