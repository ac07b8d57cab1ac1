package io.trinospot.exchange;

import com.google.common.collect.MapMaker;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
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

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.util.concurrent.Futures.immediateFailedFuture;
import static com.google.common.util.concurrent.Futures.immediateVoidFuture;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static io.airlift.slice.SizeOf.instanceSize;
import static io.trinospot.exchange.SpoolFrames.DATA;
import static io.trinospot.exchange.SpoolFrames.END;
import static io.trinospot.exchange.SpoolFrames.END_FRAME_BYTES;
import static io.trinospot.exchange.SpoolFrames.FRAME_OVERHEAD;
import static io.trinospot.exchange.SpoolFrames.HEADER_BYTES;
import static io.trinospot.exchange.SpoolFrames.MAGIC;
import static java.lang.Math.min;
import static java.lang.Math.toIntExact;
import static java.util.Objects.requireNonNull;

/**
 * Writes every spool file in checksummed frames ({@link SpoolFrames}) and verifies them on read, over any storage:
 * a local directory has no checksums at all, S3 checks an upload only in transit, and HDFS's block checksums cover
 * neither what a client wrote wrong nor a file cut short. A damaged file fails the read with an {@link IOException}
 * naming the file and the offset, so Trino fails the reading task instead of computing with wrong or missing rows.
 */
public final class ChecksummedExchangeStorage
        implements FileSystemExchangeStorage
{
    private final FileSystemExchangeStorage delegate;
    private final SpotExchangeStats stats;
    private final int maxFrameBody;
    // The readers of each of Trino's exchange sources: a source hands all its readers its one MetricsBuilder. Weak
    // values: a source's readers hold their group, and the group is gone with the last of them.
    private final ConcurrentMap<MetricsBuilder, SourceReaders> sources = new MapMaker().weakKeys().weakValues().makeMap();

    /**
     * {@code maxPageStorageSize} is the exchange's {@code exchange.max-page-storage-size}: Trino's S3 reader buffers
     * one record of at most that size beyond its ranged reads, so no frame is larger.
     */
    public ChecksummedExchangeStorage(FileSystemExchangeStorage delegate, int maxPageStorageSize, SpotExchangeStats stats)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.stats = requireNonNull(stats, "stats is null");
        checkArgument(maxPageStorageSize > END_FRAME_BYTES, "maxPageStorageSize must exceed %s bytes: %s", END_FRAME_BYTES, maxPageStorageSize);
        this.maxFrameBody = maxPageStorageSize - FRAME_OVERHEAD;
    }

    @Override
    public void createDirectories(URI dir)
            throws IOException
    {
        delegate.createDirectories(dir);
    }

    @Override
    public ExchangeStorageReader createExchangeStorageReader(List<ExchangeSourceFile> sourceFiles, int maxPageStorageSize, MetricsBuilder metricsBuilder)
    {
        SourceReaders source = sources.computeIfAbsent(metricsBuilder, ignored -> new SourceReaders());
        VerifyingReader reader = new VerifyingReader(delegate.createExchangeStorageReader(sourceFiles, maxPageStorageSize, metricsBuilder), sourceFiles, source);
        source.add(reader);
        return reader;
    }

    @Override
    public ExchangeStorageWriter createExchangeStorageWriter(URI file)
    {
        return new FramingWriter(delegate.createExchangeStorageWriter(file));
    }

    @Override
    public ListenableFuture<Void> createEmptyFile(URI file)
    {
        // commit markers: never read, only listed
        return delegate.createEmptyFile(file);
    }

    @Override
    public ListenableFuture<Void> deleteRecursively(List<URI> directories)
    {
        return delegate.deleteRecursively(directories);
    }

    @Override
    public ListenableFuture<List<FileStatus>> listFilesRecursively(URI dir)
    {
        return delegate.listFilesRecursively(dir);
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

    /**
     * Frames each buffer the sink writes into a copy and hands the copy to the storage as one write, so an S3 part
     * stays one write. Trino's sink writes full buffers, and a shorter one only as the last write of a file: that
     * one is held back and goes out together with the END frame in a single write, because S3 needs every part
     * but the last at full size and uploads a short first write as the whole object.
     */
    private final class FramingWriter
            implements ExchangeStorageWriter
    {
        private static final int INSTANCE_SIZE = instanceSize(FramingWriter.class);

        private final ExchangeStorageWriter writer;
        private final int fullWriteSize;
        // Framed copies not yet written: the sink's memory accounting sees them through getRetainedSize.
        private final AtomicLong copiedBytes = new AtomicLong();
        private final AtomicReference<Throwable> writeFailure = new AtomicReference<>();

        // Guarded by this.
        private int nextFrame;
        private long dataBytes;
        private byte[] heldBack;
        private int heldBackLength;
        private boolean closed;

        FramingWriter(ExchangeStorageWriter writer)
        {
            this.writer = requireNonNull(writer, "writer is null");
            this.fullWriteSize = delegate.getWriteBufferSize();
        }

        @Override
        public synchronized ListenableFuture<Void> write(Slice slice)
        {
            if (closed) {
                return immediateFailedFuture(new IllegalStateException("Spool file writer already closed"));
            }
            if (slice.length() == 0) {
                return immediateVoidFuture();
            }
            if (heldBack != null) {
                writeHeldBack();
            }
            boolean last = slice.length() < fullWriteSize;
            int frames = (slice.length() + maxFrameBody - 1) / maxFrameBody;
            byte[] framed = new byte[slice.length() + frames * FRAME_OVERHEAD + (last ? END_FRAME_BYTES : 0)];
            copiedBytes.addAndGet(framed.length);
            int length = frame(slice, framed);
            if (last) {
                heldBack = framed;
                heldBackLength = length;
                // the bytes are copied: the sink may reuse its buffer now
                return immediateVoidFuture();
            }
            return send(framed, length);
        }

        @Override
        public synchronized ListenableFuture<Void> finish()
        {
            if (closed) {
                return immediateFailedFuture(new IllegalStateException("Spool file writer already closed"));
            }
            closed = true;
            byte[] framed = heldBack;
            int length = heldBackLength;
            heldBack = null;
            if (framed == null) {
                framed = new byte[END_FRAME_BYTES];
                length = 0;
                copiedBytes.addAndGet(framed.length);
            }
            length += SpoolFrames.end(framed, length, nextFrame, dataBytes);
            ListenableFuture<Void> lastWrite = send(framed, length);
            ListenableFuture<Void> finished = writer.finish();
            return Futures.transformAsync(Futures.allAsList(lastWrite, finished), ignored -> {
                Throwable failure = writeFailure.get();
                return failure == null ? immediateVoidFuture() : immediateFailedFuture(failure);
            }, directExecutor());
        }

        @Override
        public synchronized ListenableFuture<Void> abort()
        {
            closed = true;
            if (heldBack != null) {
                copiedBytes.addAndGet(-heldBack.length);
                heldBack = null;
            }
            return writer.abort();
        }

        @Override
        public long getRetainedSize()
        {
            return INSTANCE_SIZE + writer.getRetainedSize() + copiedBytes.get();
        }

        private int frame(Slice slice, byte[] framed)
        {
            int length = 0;
            for (int offset = 0; offset < slice.length(); ) {
                int body = min(maxFrameBody, slice.length() - offset);
                slice.getBytes(offset, framed, length + FRAME_OVERHEAD, body);
                length += SpoolFrames.seal(framed, length, DATA, nextFrame++, body);
                offset += body;
            }
            dataBytes += slice.length();
            return length;
        }

        private void writeHeldBack()
        {
            // Not Trino's sink (it writes a short buffer only last): still a valid file, only S3 may refuse it.
            byte[] framed = heldBack;
            heldBack = null;
            send(framed, heldBackLength);
        }

        private ListenableFuture<Void> send(byte[] framed, int length)
        {
            ListenableFuture<Void> write;
            try {
                write = writer.write(Slices.wrappedBuffer(framed, 0, length));
            }
            catch (RuntimeException e) {
                write = immediateFailedFuture(e);
            }
            Futures.addCallback(write, new FutureCallback<>()
            {
                @Override
                public void onSuccess(Void result)
                {
                    copiedBytes.addAndGet(-framed.length);
                }

                @Override
                public void onFailure(Throwable failure)
                {
                    copiedBytes.addAndGet(-framed.length);
                    writeFailure.compareAndSet(null, failure);
                }
            }, directExecutor());
            return write;
        }
    }

    /**
     * Verifies the frames a storage's reader returns, file by file in the order of the source files (the order every
     * storage reads them in), and hands Trino the pages rebuilt from the verified bodies. A file must be a run of
     * frames with consecutive indexes and intact checksums, closed by an END frame that counts its bytes and ends
     * exactly at the file's listed size.
     */
    private final class VerifyingReader
            implements ExchangeStorageReader
    {
        private static final int INSTANCE_SIZE = instanceSize(VerifyingReader.class);

        private final ExchangeStorageReader reader;
        private final List<ExchangeSourceFile> files;
        private final PageAssembler pages = new PageAssembler();
        private final SourceReaders source;
        private volatile long retainedPageBytes;

        // Guarded by this.
        private int fileIndex;
        private long fileOffset;
        private int nextFrame;
        private long dataBytes;
        private boolean allFilesEnded;
        private boolean closed;
        private IOException failure;
        // the storage reader's last blocked future, where this reader stood when it was handed out, and its restatement
        private ListenableFuture<Void> storageBlocked;
        private int storageBlockedFileIndex;
        private long storageBlockedFileOffset;
        private ListenableFuture<Void> restatedBlocked;
        // a new restatement still to be hooked to the source's readers' next change
        private ListenableFuture<Void> unhookedBlocked;

        VerifyingReader(ExchangeStorageReader reader, List<ExchangeSourceFile> files, SourceReaders source)
        {
            this.reader = requireNonNull(reader, "reader is null");
            this.files = List.copyOf(files);
            this.source = requireNonNull(source, "source is null");
        }

        @Override
        public synchronized Slice read()
                throws IOException
        {
            if (failure != null) {
                throw failure;
            }
            try {
                while (!closed) {
                    Slice page = pages.poll();
                    if (page != null) {
                        return page;
                    }
                    if (allFilesEnded) {
                        return null;
                    }
                    if (fileOffset == 0 && fileIndex < files.size() && files.get(fileIndex).getFileSize() < END_FRAME_BYTES) {
                        throw corrupt("it has %d bytes, fewer than its END frame alone".formatted(files.get(fileIndex).getFileSize()));
                    }
                    Slice frame = nextFrame();
                    if (frame == null) {
                        return null;
                    }
                    verify(frame);
                }
                return null;
            }
            finally {
                retainedPageBytes = pages.retainedBytes();
            }
        }

        /** The next frame from the storage's reader; null while it waits for data, or at the end of the last file. */
        private Slice nextFrame()
                throws IOException
        {
            Slice frame;
            try {
                frame = reader.read();
            }
            catch (IOException | RuntimeException e) {
                // Storages' readers fail on a damaged record length too (EOF, out of bounds), without naming the file.
                throw fail(readFailure(currentFileUri(), fileOffset, e));
            }
            if (frame == null && reader.isFinished()) {
                if (fileIndex < files.size()) {
                    throw corrupt("it ends without its END frame (truncated)");
                }
                allFilesEnded = true;
            }
            return frame;
        }

        private void verify(Slice frame)
                throws IOException
        {
            if (fileIndex == files.size()) {
                throw corrupt(files.getLast().getFileSize(), "data follows its END frame");
            }
            long frameOffset = fileOffset;
            fileOffset += Integer.BYTES + frame.length();
            if (frame.length() < HEADER_BYTES || frame.getInt(0) != MAGIC) {
                // Written by a version without spool checksums, by Trino's own exchange, or damaged: unverifiable
                // bytes are never handed to Trino as pages.
                throw corrupt(frameOffset, "no spool frame there (a file not written in this plugin's checksummed format, or damaged)");
            }
            if (SpoolFrames.checksum(frame) != SpoolFrames.storedChecksum(frame)) {
                throw corrupt(frameOffset, "checksum mismatch in a frame of %d bytes".formatted(frame.length()));
            }
            int kind = frame.getInt(Integer.BYTES);
            int index = frame.getInt(2 * Integer.BYTES);
            if (index != nextFrame) {
                throw corrupt(frameOffset, "frame %d where frame %d belongs (frames lost)".formatted(index, nextFrame));
            }
            nextFrame++;
            Slice body = frame.slice(HEADER_BYTES, frame.length() - HEADER_BYTES);
            if (kind == DATA) {
                dataBytes += body.length();
                if (!pages.add(body)) {
                    throw corrupt(frameOffset, "a negative page length");
                }
                return;
            }
            if (kind != END || body.length() != Long.BYTES) {
                throw corrupt(frameOffset, "a frame of unknown kind %d".formatted(kind));
            }
            long written = body.getLong(0);
            if (written != dataBytes) {
                throw corrupt(frameOffset, "its END frame counts %d bytes of pages, the frames before it hold %d".formatted(written, dataBytes));
            }
            if (!pages.atPageBoundary()) {
                throw corrupt(frameOffset, "its last page is incomplete");
            }
            long size = files.get(fileIndex).getFileSize();
            if (fileOffset != size) {
                throw corrupt(frameOffset, "its END frame ends at offset %d, but the file has %d bytes".formatted(fileOffset, size));
            }
            fileIndex++;
            fileOffset = 0;
            nextFrame = 0;
            dataBytes = 0;
        }

        private static IOException readFailure(String file, long offset, Throwable e)
        {
            return new IOException("Reading spool file %s failed after offset %d: %s".formatted(file, offset, e), e);
        }

        private String currentFileUri()
        {
            return files.isEmpty() ? "(none)" : files.get(min(fileIndex, files.size() - 1)).getFileUri().toString();
        }

        private IOException corrupt(String problem)
        {
            return corrupt(fileOffset, problem);
        }

        private IOException corrupt(long offset, String problem)
        {
            stats.getCorruptSpoolFiles().update(1);
            return fail(new IOException("Spool file %s is corrupt at offset %d: %s".formatted(currentFileUri(), offset, problem)));
        }

        private IOException fail(IOException e)
        {
            failure = e;
            return e;
        }

        @Override
        public ListenableFuture<Void> isBlocked()
        {
            ListenableFuture<Void> blocked = unfinishedBlocked();
            return blocked == null ? siblingsBlocked() : blocked;
        }

        /** What this reader is blocked on; null once it finished with every file verified (a closed one is never blocked). */
        private ListenableFuture<Void> unfinishedBlocked()
        {
            ListenableFuture<Void> blocked;
            ListenableFuture<Void> unhooked;
            synchronized (this) {
                if (!closed && failure == null && finished()) {
                    return null;
                }
                blocked = waitingBlocked();
                unhooked = unhookedBlocked;
                unhookedBlocked = null;
            }
            // Outside this reader's lock, as on a future done by now the listener runs at once and completes others'.
            if (unhooked != null) {
                unhooked.addListener(source::changed, directExecutor());
            }
            return blocked;
        }

        private ListenableFuture<Void> waitingBlocked()
        {
            // Verification happens in read(): a finished storage reader is not the end until its last file checked out.
            if (failure != null || closed || pages.hasPage() || allFilesEnded || reader.isFinished()) {
                return immediateVoidFuture();
            }
            // Trino's source asks every reader on each of its reads and isBlocked calls: a waiting reader is asked for
            // the same storage future again and again, so it is restated once, not with a new future and a new
            // listener on the storage's future per call.
            ListenableFuture<Void> blocked = reader.isBlocked();
            if (restatedBlocked == null || blocked != storageBlocked || fileIndex != storageBlockedFileIndex || fileOffset != storageBlockedFileOffset) {
                // A storage read that failed (an S3 error, a dropped connection) fails this future first, naming no file.
                String file = currentFileUri();
                long offset = fileOffset;
                restatedBlocked = SpoolFailures.restated(blocked, e -> readFailure(file, offset, e));
                storageBlocked = blocked;
                storageBlockedFileIndex = fileIndex;
                storageBlockedFileOffset = fileOffset;
                // finished readers of this source may wait for it (siblingsBlocked)
                unhookedBlocked = restatedBlocked.isDone() ? null : restatedBlocked;
            }
            return restatedBlocked;
        }

        /**
         * Trino's source keeps a finished reader among its readers until it can start another or has none left, and
         * reads from any reader that is not blocked: were a finished reader never blocked, the source would loop over
         * empty reads while its other readers wait for the storage. So a finished reader is blocked while every other
         * unfinished reader of its source is, until one of them is not or a reader starts or closes. The source may
         * wait on a finished reader it no longer holds (it looks at its readers before it waits on them): that
         * future completes as well once a reader it now holds can go on.
         */
        private ListenableFuture<Void> siblingsBlocked()
        {
            // the future first: whatever changes after this point completes it, whatever changed before shows below
            ListenableFuture<Void> changed = source.nextChange();
            boolean waiting = false;
            for (VerifyingReader sibling : source.readers()) {
                ListenableFuture<Void> blocked = sibling == this ? null : sibling.unfinishedBlocked();
                if (blocked != null) {
                    if (blocked.isDone()) {
                        return immediateVoidFuture();
                    }
                    waiting = true;
                }
            }
            return waiting ? changed : immediateVoidFuture();
        }

        @Override
        public synchronized boolean isFinished()
        {
            return finished();
        }

        private boolean finished()
        {
            return closed || (allFilesEnded && !pages.hasPage());
        }

        @Override
        public long getRetainedSize()
        {
            return INSTANCE_SIZE + reader.getRetainedSize() + retainedPageBytes;
        }

        @Override
        public void close()
        {
            try {
                synchronized (this) {
                    closed = true;
                    pages.clear();
                    retainedPageBytes = 0;
                    reader.close();
                }
            }
            finally {
                source.remove(this);
            }
        }
    }

    /**
     * The readers of one of Trino's exchange sources and a future that completes at the next change among them: one
     * starts or closes, or the storage future one of them waits on completes.
     */
    private static final class SourceReaders
    {
        private final List<VerifyingReader> readers = new CopyOnWriteArrayList<>();
        // Guarded by this.
        private SettableFuture<Void> changed;
        private ListenableFuture<Void> changedView;

        List<VerifyingReader> readers()
        {
            return readers;
        }

        void add(VerifyingReader reader)
        {
            readers.add(reader);
            changed();
        }

        void remove(VerifyingReader reader)
        {
            if (readers.remove(reader)) {
                changed();
            }
        }

        /** Completes at the next change. */
        synchronized ListenableFuture<Void> nextChange()
        {
            if (changed == null) {
                changed = SettableFuture.create();
                // Trino's source hands it on only behind a future of its own; this keeps one waiter's cancel from the rest
                changedView = Futures.nonCancellationPropagating(changed);
            }
            return changedView;
        }

        void changed()
        {
            SettableFuture<Void> waiting;
            synchronized (this) {
                waiting = changed;
                changed = null;
                changedView = null;
            }
            // outside the lock: completing it runs the source's listeners
            if (waiting != null) {
                waiting.set(null);
            }
        }
    }

    /** Rebuilds Trino's records (a little-endian {@code int} length, then the page) from consecutive frame bodies. */
    private static final class PageAssembler
    {
        private final Deque<Slice> pages = new ArrayDeque<>();
        private long pageBytes;
        // the length of the next page, while its bytes arrive
        private int length;
        private int lengthBytesRead;
        // the page being filled when it spans frames; null between pages
        private byte[] page;
        private int filled;

        /** Adds a verified body; false if it holds an impossible (negative) page length. */
        boolean add(Slice body)
        {
            int position = 0;
            while (position < body.length()) {
                if (page == null) {
                    if (lengthBytesRead == 0 && body.length() - position >= Integer.BYTES) {
                        length = body.getInt(position);
                        position += Integer.BYTES;
                    }
                    else {
                        length |= (body.getByte(position++) & 0xFF) << (Byte.SIZE * lengthBytesRead);
                        if (++lengthBytesRead < Integer.BYTES) {
                            continue;
                        }
                        lengthBytesRead = 0;
                    }
                    if (length < 0) {
                        return false;
                    }
                    if (body.length() - position >= length) {
                        // the whole page is in this body: a view, no copy
                        emit(body.slice(position, length));
                        position += length;
                        length = 0;
                        continue;
                    }
                    page = new byte[length];
                    filled = 0;
                    length = 0;
                }
                int count = min(body.length() - position, page.length - filled);
                body.getBytes(position, page, filled, count);
                position += count;
                filled += count;
                if (filled == page.length) {
                    emit(Slices.wrappedBuffer(page));
                    page = null;
                }
            }
            return true;
        }

        boolean atPageBoundary()
        {
            return page == null && lengthBytesRead == 0;
        }

        boolean hasPage()
        {
            return !pages.isEmpty();
        }

        Slice poll()
        {
            Slice next = pages.poll();
            if (next != null) {
                pageBytes -= next.length();
            }
            return next;
        }

        long retainedBytes()
        {
            return pageBytes + (page == null ? 0 : page.length);
        }

        void clear()
        {
            pages.clear();
            pageBytes = 0;
            page = null;
        }

        private void emit(Slice slice)
        {
            pages.add(slice);
            pageBytes += slice.length();
        }
    }
}
