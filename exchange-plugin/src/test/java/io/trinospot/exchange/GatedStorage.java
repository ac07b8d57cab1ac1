package io.trinospot.exchange;

import com.google.common.util.concurrent.ForwardingListenableFuture.SimpleForwardingListenableFuture;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.ExchangeStorageWriter;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.spi.exchange.ExchangeId;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static com.google.common.util.concurrent.Futures.immediateVoidFuture;
import static io.trinospot.exchange.SpoolFrames.DATA;
import static io.trinospot.exchange.SpoolFrames.END_FRAME_BYTES;
import static io.trinospot.exchange.SpoolFrames.FRAME_OVERHEAD;

/**
 * A storage whose readers serve checksummed spool files from memory, each file's frames only once the test opens its
 * gate: the reader is blocked on the gate until then, as a storage's reader waits for its prefetch. Every gate counts
 * the listeners added to it.
 */
final class GatedStorage
        implements FileSystemExchangeStorage
{
    private static final AtomicInteger FILES = new AtomicInteger();

    private final Map<URI, Gate> gates = new ConcurrentHashMap<>();
    private final List<Reader> readers = new ArrayList<>();

    /** A spool file holding one page, {@code text}, behind a closed gate. */
    ExchangeSourceFile file(String text)
    {
        Slice page = Slices.utf8Slice(text);
        byte[] body = new byte[Integer.BYTES + page.length()];
        Slices.wrappedBuffer(body).setInt(0, page.length());
        page.getBytes(0, body, Integer.BYTES, page.length());
        byte[] content = new byte[FRAME_OVERHEAD + body.length + END_FRAME_BYTES];
        System.arraycopy(body, 0, content, FRAME_OVERHEAD, body.length);
        int length = SpoolFrames.seal(content, 0, DATA, 0, body.length);
        SpoolFrames.end(content, length, 1, body.length);
        URI uri = URI.create("gated://spool/%d/%s.data".formatted(FILES.incrementAndGet(), text));
        gates.put(uri, new Gate(content));
        return new ExchangeSourceFile(uri, content.length, new ExchangeId("gated"), 0, 0);
    }

    Gate gate(ExchangeSourceFile file)
    {
        return gates.get(file.getFileUri());
    }

    void open(ExchangeSourceFile file)
    {
        gate(file).future.set(null);
    }

    synchronized List<Reader> readers()
    {
        return List.copyOf(readers);
    }

    @Override
    public synchronized ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
    {
        Reader reader = new Reader(sourceFiles.stream().map(this::gate).toList());
        readers.add(reader);
        return reader;
    }

    @Override
    public ExchangeStorageWriter createExchangeStorageWriter(URI file)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void createDirectories(URI dir)
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
    public int getWriteBufferSize()
    {
        return 4096;
    }

    @Override
    public void close() {}

    static final class Gate
    {
        final SettableFuture<Void> future = SettableFuture.create();
        final AtomicInteger listeners = new AtomicInteger();
        // the one future a reader hands out while waiting on this gate, counting the listeners added to it
        final ListenableFuture<Void> counted = new SimpleForwardingListenableFuture<>(future)
        {
            @Override
            public void addListener(Runnable listener, Executor executor)
            {
                listeners.incrementAndGet();
                super.addListener(listener, executor);
            }
        };
        private final byte[] content;

        private Gate(byte[] content)
        {
            this.content = content;
        }

        /** The file's records as a storage's reader returns them: the bytes after each length. */
        private List<Slice> records()
        {
            Slice file = Slices.wrappedBuffer(content);
            List<Slice> records = new ArrayList<>();
            for (int offset = 0; offset < file.length(); ) {
                int length = file.getInt(offset);
                records.add(file.slice(offset + Integer.BYTES, length));
                offset += Integer.BYTES + length;
            }
            return records;
        }
    }

    /** Reads its files in order; blocked on the current file's gate until the test opens it. */
    static final class Reader
            implements ExchangeStorageReader
    {
        private final Deque<Gate> files;
        private final Deque<Slice> records = new ArrayDeque<>();
        private boolean closed;

        private Reader(List<Gate> files)
        {
            this.files = new ArrayDeque<>(files);
        }

        @Override
        public synchronized Slice read()
                throws IOException
        {
            if (closed) {
                return null;
            }
            if (records.isEmpty()) {
                Gate next = files.peek();
                if (next == null || !next.future.isDone()) {
                    return null;
                }
                try {
                    next.future.get();
                }
                catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                files.poll();
                records.addAll(next.records());
            }
            return records.poll();
        }

        @Override
        public synchronized ListenableFuture<Void> isBlocked()
        {
            if (closed || !records.isEmpty() || files.isEmpty()) {
                return immediateVoidFuture();
            }
            return files.peek().counted;
        }

        @Override
        public synchronized boolean isFinished()
        {
            return closed || (records.isEmpty() && files.isEmpty());
        }

        synchronized boolean isClosed()
        {
            return closed;
        }

        @Override
        public long getRetainedSize()
        {
            return 0;
        }

        @Override
        public synchronized void close()
        {
            closed = true;
            records.clear();
        }
    }
}
