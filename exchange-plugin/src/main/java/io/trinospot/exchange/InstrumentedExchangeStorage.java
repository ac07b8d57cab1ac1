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
import java.net.URI;
import java.util.List;

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
        catch (IOException | RuntimeException e) {
            stats.getMetadataErrors().update(1);
            throw e;
        }
    }

    @Override
    public ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
    {
        stats.getFilesRequestedForRead().update(sourceFiles.size());
        ExchangeStorageReader reader = delegate.createExchangeStorageReader(sourceFiles, maxPageStorageSize, metricsBuilder);
        return new ExchangeStorageReader()
        {
            @Override
            public Slice read()
                    throws IOException
            {
                try {
                    Slice page = reader.read();
                    if (page != null) {
                        stats.getBytesRead().update(page.length());
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
                reader.close();
            }
        };
    }

    @Override
    public ExchangeStorageWriter createExchangeStorageWriter(URI file)
    {
        ExchangeStorageWriter writer = delegate.createExchangeStorageWriter(file);
        return new ExchangeStorageWriter()
        {
            @Override
            public ListenableFuture<Void> write(Slice slice)
            {
                int length = slice.length();
                return track(writer.write(slice), stats.getWriteLatency(), stats.getWriteErrors(), () -> stats.getBytesWritten().update(length));
            }

            @Override
            public ListenableFuture<Void> finish()
            {
                return track(writer.finish(), stats.getFinishLatency(), stats.getWriteErrors(), () -> stats.getFilesWritten().update(1));
            }

            @Override
            public ListenableFuture<Void> abort()
            {
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
        return track(delegate.createEmptyFile(file), null, stats.getMetadataErrors(), () -> {});
    }

    @Override
    public ListenableFuture<Void> deleteRecursively(List<URI> directories)
    {
        return track(delegate.deleteRecursively(directories), stats.getDeleteLatency(), stats.getMetadataErrors(), () -> {});
    }

    @Override
    public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
    {
        return track(delegate.listFilesRecursively(dir), stats.getListLatency(), stats.getMetadataErrors(), () -> {});
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

    private static <T> ListenableFuture<T> track(ListenableFuture<T> future, TimeStat latency, CounterStat errors, Runnable onSuccess)
    {
        long start = System.nanoTime();
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
}
