package io.trinospot.exchange;

import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.airlift.units.DataSize;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.ExchangeStorageWriter;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.weakref.jmx.Managed;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.google.common.util.concurrent.Futures.immediateVoidFuture;
import static io.airlift.slice.SizeOf.instanceSize;
import static java.lang.Math.toIntExact;
import static java.util.Objects.requireNonNull;

/**
 * Spool storage on HDFS through the shaded Hadoop client. Every blocking HDFS call runs on one of two bounded pools;
 * Trino's threads only get futures. Read-ahead runs on {@code exchange.hdfs.read-threads} threads, everything else
 * (writes, finishing and aborting files, listing, deleting) on {@code exchange.hdfs.io-threads}: a DataNode that
 * stops answering holds every thread of one side until the HDFS client gives up, and that must not stall the other
 * side, whose work may not need that DataNode at all. Writes of one file run in order on a sequential view of the
 * write pool.
 */
public final class HdfsExchangeStorage
        implements FileSystemExchangeStorage
{
    private static final Logger log = Logger.get(HdfsExchangeStorage.class);
    // dfs.client.block.write.locateFollowingBlock.initial.delay.ms and .retries of the HDFS client
    private static final long DEFAULT_CLOSE_RETRY_DELAY_MILLIS = 400;
    private static final int DEFAULT_CLOSE_RETRIES = 5;

    private final Configuration configuration;
    private final HdfsExchangeConfig config;
    private final int writeBufferSize;
    private final ThreadPoolExecutor writeThreads;
    private final ListeningExecutorService writeExecutor;
    private final ThreadPoolExecutor readThreads;
    private final Map<String, FileSystem> fileSystems = new ConcurrentHashMap<>();

    @Inject
    public HdfsExchangeStorage(HdfsConfiguration configuration, HdfsExchangeConfig config, BaseDirectories baseDirectories)
    {
        this(configuration.configuration(), config, baseDirectories.directories());
    }

    public HdfsExchangeStorage(Configuration configuration, HdfsExchangeConfig config, List<URI> baseDirectories)
    {
        this.configuration = new Configuration(requireNonNull(configuration, "configuration is null"));
        this.configuration.setClassLoader(HdfsExchangeStorage.class.getClassLoader());
        // One FileSystem per NameNode owned by this storage: Hadoop's global cache would share (and close) it with others.
        this.configuration.setBoolean("fs.hdfs.impl.disable.cache", true);
        this.configuration.setInt("io.file.buffer.size", toIntExact(config.getIoBufferSize().toBytes()));
        // Every packet is a round of system calls, thread hand-offs and an acknowledgement on client and DataNode;
        // configurable for spool files only (default: Hadoop's 64kB x 80).
        this.configuration.setInt("dfs.client-write-packet-size", toIntExact(config.getPacketSize().toBytes()));
        this.configuration.setInt("dfs.client.write.max-packets-in-flight", config.getMaxPacketsInFlight());
        // Closing a file asks the NameNode to complete it; when the DataNode has not reported the last block yet,
        // the client sleeps 400ms before asking again (Hadoop's default), which every sink pays on finish. Ask
        // sooner, as often as needed to wait at least as long in total as Hadoop would.
        long closeRetryDelayMillis = config.getCloseRetryInitialDelay().toMillis();
        this.configuration.setLong("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", closeRetryDelayMillis);
        this.configuration.setInt("dfs.client.block.write.locateFollowingBlock.retries", closeRetries(closeRetryDelayMillis));
        this.config = requireNonNull(config, "config is null");
        this.writeBufferSize = toIntExact(config.getWriteBufferSize().toBytes());
        this.writeThreads = newPool(config.getIoThreads(), "spot-exchange-hdfs-");
        this.writeExecutor = MoreExecutors.listeningDecorator(writeThreads);
        this.readThreads = newPool(config.getReadThreads(), "spot-exchange-hdfs-read-");

        // Fail start-up, not the first query, when the NameNode cannot be reached.
        for (URI directory : baseDirectories) {
            try {
                fileSystem(directory).mkdirs(new Path(directory));
            }
            catch (IOException | RuntimeException e) {
                close();
                throw new IllegalStateException("exchange.base-directories: cannot create " + directory + " on HDFS (fs.defaultFS/NameNode unreachable or not writable): " + e, e);
            }
        }
    }

    private static ThreadPoolExecutor newPool(int threads, String namePrefix)
    {
        ClassLoader pluginLoader = HdfsExchangeStorage.class.getClassLoader();
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, namePrefix + counter.incrementAndGet());
            thread.setDaemon(true);
            // Hadoop looks up classes through the context loader in places; keep it on this plugin's loader.
            thread.setContextClassLoader(pluginLoader);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Retries (each waiting twice as long as the one before, starting at {@code initialDelayMillis}) that add up to
     * at least the HDFS client's default patience: 400ms doubling over 5 retries, 12.4s.
     */
    static int closeRetries(long initialDelayMillis)
    {
        long defaultPatience = DEFAULT_CLOSE_RETRY_DELAY_MILLIS * ((1L << DEFAULT_CLOSE_RETRIES) - 1);
        int retries = DEFAULT_CLOSE_RETRIES;
        while (initialDelayMillis * ((1L << retries) - 1) < defaultPatience) {
            retries++;
        }
        return retries;
    }

    private FileSystem fileSystem(URI uri)
    {
        String key = uri.getScheme() + "://" + uri.getAuthority();
        return fileSystems.computeIfAbsent(key, ignored -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(HdfsExchangeStorage.class.getClassLoader());
            try {
                return FileSystem.newInstance(URI.create(key + "/"), configuration);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finally {
                thread.setContextClassLoader(previous);
            }
        });
    }

    private <T> ListenableFuture<T> submit(Callable<T> task)
    {
        return Futures.submit(task, writeExecutor);
    }

    @Override
    public void createDirectories(URI dir)
            throws IOException
    {
        // Called once per sink on the coordinator; HDFS creates parents itself, so this is one RPC.
        try {
            fileSystem(dir).mkdirs(new Path(dir));
        }
        catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
    {
        return new HdfsReader(sourceFiles, toIntExact(config.getReadBufferSize().toBytes()));
    }

    @Override
    public ExchangeStorageWriter createExchangeStorageWriter(URI file)
    {
        return new HdfsWriter(file);
    }

    @Override
    public ListenableFuture<Void> createEmptyFile(URI file)
    {
        return submit(() -> {
            fileSystem(file).create(new Path(file), true).close();
            return null;
        });
    }

    @Override
    public ListenableFuture<Void> deleteRecursively(List<URI> directories)
    {
        return submit(() -> {
            for (URI directory : directories) {
                fileSystem(directory).delete(new Path(directory), true);
            }
            return null;
        });
    }

    @Override
    public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
    {
        return submit(() -> {
            ImmutableList.Builder<FileStatus> files = ImmutableList.builder();
            try {
                RemoteIterator<LocatedFileStatus> iterator = fileSystem(dir).listFiles(new Path(dir), true);
                while (iterator.hasNext()) {
                    LocatedFileStatus status = iterator.next();
                    files.add(new FileStatus(status.getPath().toUri().toString(), status.getLen()));
                }
            }
            catch (FileNotFoundException e) {
                // Same as the object stores: nothing written there yet.
            }
            return files.build();
        });
    }

    @Managed
    public int getWriteTasksQueued()
    {
        return writeThreads.getQueue().size();
    }

    @Managed
    public int getWriteThreadsBusy()
    {
        return writeThreads.getActiveCount();
    }

    @Managed
    public int getReadAheadTasksQueued()
    {
        return readThreads.getQueue().size();
    }

    @Managed
    public int getReadThreadsBusy()
    {
        return readThreads.getActiveCount();
    }

    @Override
    public int getWriteBufferSize()
    {
        return writeBufferSize;
    }

    @Override
    public void close()
    {
        writeThreads.shutdownNow();
        readThreads.shutdownNow();
        for (FileSystem fileSystem : fileSystems.values()) {
            try {
                fileSystem.close();
            }
            catch (IOException | RuntimeException e) {
                log.warn(e, "Closing HDFS client failed");
            }
        }
        fileSystems.clear();
    }

    /** Writes one spool file; calls are queued in order on the write pool and never block the caller. */
    private final class HdfsWriter
            implements ExchangeStorageWriter
    {
        private static final int INSTANCE_SIZE = instanceSize(HdfsWriter.class);

        private final URI file;
        private final Executor sequential;
        // Touched only by tasks of the sequential executor, which run one at a time.
        private FSDataOutputStream stream;

        HdfsWriter(URI file)
        {
            this.file = requireNonNull(file, "file is null");
            this.sequential = MoreExecutors.newSequentialExecutor(writeExecutor);
        }

        private FSDataOutputStream stream()
                throws IOException
        {
            if (stream == null) {
                FileSystem fileSystem = fileSystem(file);
                Path path = new Path(file);
                short replication = java.util.Optional.ofNullable(config.getReplication()).map(Integer::shortValue).orElseGet(() -> fileSystem.getDefaultReplication(path));
                long blockSize = java.util.Optional.ofNullable(config.getBlockSize()).map(DataSize::toBytes).orElseGet(() -> fileSystem.getDefaultBlockSize(path));
                stream = fileSystem.create(path, true, toIntExact(config.getIoBufferSize().toBytes()), replication, blockSize);
            }
            return stream;
        }

        @Override
        public ListenableFuture<Void> write(Slice slice)
        {
            // The sink reuses the slice's buffer once this future completes, so the bytes are copied out before that.
            return Futures.submit(() -> {
                stream().write(slice.byteArray(), slice.byteArrayOffset(), slice.length());
                return null;
            }, sequential);
        }

        @Override
        public ListenableFuture<Void> finish()
        {
            return Futures.submit(() -> {
                // close() returns once the DataNodes acknowledged every packet and the NameNode completed the file.
                stream().close();
                return null;
            }, sequential);
        }

        @Override
        public ListenableFuture<Void> abort()
        {
            return Futures.submit(() -> {
                try {
                    if (stream != null) {
                        stream.close();
                    }
                }
                finally {
                    fileSystem(file).delete(new Path(file), false);
                }
                return null;
            }, sequential);
        }

        @Override
        public long getRetainedSize()
        {
            return INSTANCE_SIZE;
        }
    }

    /**
     * Reads spool files page by page ({@code int} little-endian length, then the page) and prefetches up to
     * {@code exchange.hdfs.read-buffer-size} on the read pool, so {@link #read()} never waits for HDFS.
     */
    private final class HdfsReader
            implements ExchangeStorageReader
    {
        private static final int INSTANCE_SIZE = instanceSize(HdfsReader.class);

        private final Deque<ExchangeSourceFile> files;
        private final long prefetchBytes;

        // Guarded by this.
        private final Deque<Slice> pages = new ArrayDeque<>();
        private long bufferedBytes;
        private boolean filling;
        private boolean exhausted;
        private boolean closed;
        private Throwable failure;
        private SettableFuture<Void> blocked;

        // Only touched by the single fill task running at a time.
        private InputStream input;
        private final byte[] header = new byte[Integer.BYTES];
        private ExchangeSourceFile currentFile;
        private long currentFileOffset;

        HdfsReader(List<ExchangeSourceFile> files, long prefetchBytes)
        {
            this.files = new ArrayDeque<>(files);
            this.prefetchBytes = prefetchBytes;
            scheduleFillIfNeeded();
        }

        @Override
        public Slice read()
                throws IOException
        {
            Slice page;
            synchronized (this) {
                if (failure != null) {
                    throw new IOException("Reading exchange data from HDFS failed: " + failure.getMessage(), failure);
                }
                if (closed) {
                    return null;
                }
                page = pages.poll();
                if (page != null) {
                    bufferedBytes -= page.length();
                }
            }
            scheduleFillIfNeeded();
            return page;
        }

        @Override
        public ListenableFuture<Void> isBlocked()
        {
            synchronized (this) {
                if (!pages.isEmpty() || failure != null || closed || exhausted) {
                    return immediateVoidFuture();
                }
                if (blocked == null || blocked.isDone()) {
                    blocked = SettableFuture.create();
                }
                return blocked;
            }
        }

        @Override
        public synchronized long getRetainedSize()
        {
            return INSTANCE_SIZE + bufferedBytes;
        }

        @Override
        public synchronized boolean isFinished()
        {
            return closed || (exhausted && pages.isEmpty() && failure == null);
        }

        @Override
        public void close()
        {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                pages.clear();
                bufferedBytes = 0;
                if (filling) {
                    // the running fill task sees closed and closes the stream itself
                    return;
                }
            }
            closeInput();
            unblock();
        }

        private void scheduleFillIfNeeded()
        {
            synchronized (this) {
                if (filling || closed || exhausted || failure != null || bufferedBytes >= prefetchBytes) {
                    return;
                }
                filling = true;
            }
            try {
                readThreads.execute(this::fill);
            }
            catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fill()
        {
            try {
                while (true) {
                    synchronized (this) {
                        if (closed) {
                            break;
                        }
                        if (bufferedBytes >= prefetchBytes) {
                            break;
                        }
                    }
                    Slice page = nextPage();
                    synchronized (this) {
                        if (page == null) {
                            exhausted = true;
                            break;
                        }
                        if (closed) {
                            break;
                        }
                        pages.add(page);
                        bufferedBytes += page.length();
                    }
                    unblock();
                }
            }
            catch (Throwable t) {
                fail(t);
                return;
            }
            boolean again;
            boolean closeNow;
            synchronized (this) {
                filling = false;
                closeNow = closed || exhausted;
                again = !closed && !exhausted && bufferedBytes < prefetchBytes;
            }
            if (closeNow) {
                closeInput();
            }
            unblock();
            if (again) {
                scheduleFillIfNeeded();
            }
        }

        /** The next page of the current or a following file; null when every file is read. */
        private Slice nextPage()
                throws IOException
        {
            while (true) {
                if (input == null) {
                    ExchangeSourceFile file;
                    synchronized (this) {
                        file = files.poll();
                    }
                    if (file == null) {
                        return null;
                    }
                    currentFile = file;
                    currentFileOffset = 0;
                    try {
                        input = fileSystem(file.getFileUri()).open(new Path(file.getFileUri()), toIntExact(config.getIoBufferSize().toBytes()));
                    }
                    catch (IOException | UncheckedIOException e) {
                        throw readFailed(e);
                    }
                }
                int headerBytes = read(header, 0);
                if (headerBytes < 0) {
                    // A clean end of file must also be the end the sink committed: anything else is lost data.
                    if (currentFileOffset != currentFile.getFileSize()) {
                        throw new IOException("Spool file " + currentFile.getFileUri() + " ended after " + currentFileOffset + " bytes, expected " + currentFile.getFileSize());
                    }
                    closeInput();
                    continue;
                }
                // one call for the length, not one per byte: each is a synchronized call into the HDFS client
                while (headerBytes < Integer.BYTES) {
                    int read = read(header, headerBytes);
                    if (read < 0) {
                        throw new EOFException("Truncated page header in " + currentFile.getFileUri());
                    }
                    headerBytes += read;
                }
                int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16 | (header[3] & 0xFF) << 24;
                if (length < 0 || currentFileOffset + 4 + length > currentFile.getFileSize()) {
                    throw new IOException("Corrupt page length " + length + " at offset " + currentFileOffset + " of " + currentFile.getFileUri());
                }
                byte[] bytes = new byte[length];
                readFully(bytes);
                currentFileOffset += 4 + length;
                return Slices.wrappedBuffer(bytes);
            }
        }

        /** Reads into the rest of the page header from {@code offset}; -1 at the end of the file. */
        private int read(byte[] header, int offset)
                throws IOException
        {
            try {
                return input.read(header, offset, header.length - offset);
            }
            catch (IOException e) {
                throw readFailed(e);
            }
        }

        private void readFully(byte[] bytes)
                throws IOException
        {
            int offset = 0;
            while (offset < bytes.length) {
                int read;
                try {
                    read = input.read(bytes, offset, bytes.length - offset);
                }
                catch (IOException e) {
                    throw readFailed(e);
                }
                if (read < 0) {
                    throw new EOFException("Truncated page in " + currentFile.getFileUri());
                }
                offset += read;
            }
        }

        /**
         * The HDFS client's failure restated with the file and offset: its own messages often name neither (a refused
         * connection, a timeout), and this reader runs ahead of the one consuming its pages, into later files.
         */
        private IOException readFailed(Exception cause)
        {
            return new IOException("Reading spool file %s failed in the page at offset %d: %s".formatted(currentFile.getFileUri(), currentFileOffset, cause), cause);
        }

        private void closeInput()
        {
            if (input != null) {
                try {
                    input.close();
                }
                catch (IOException e) {
                    log.debug(e, "Closing HDFS input failed");
                }
                input = null;
            }
        }

        private void fail(Throwable t)
        {
            synchronized (this) {
                if (failure == null) {
                    failure = t;
                }
                filling = false;
            }
            closeInput();
            unblock();
        }

        private void unblock()
        {
            SettableFuture<Void> future;
            synchronized (this) {
                future = blocked;
                blocked = null;
            }
            if (future != null) {
                future.set(null);
            }
        }
    }
}
