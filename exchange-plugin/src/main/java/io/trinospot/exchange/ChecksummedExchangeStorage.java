package io.trinospot.exchange;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
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
        return new VerifyingReader(delegate.createExchangeStorageReader(sourceFiles, maxPageStorageSize, metricsBuilder), sourceFiles);
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

        VerifyingReader(ExchangeStorageReader reader, List<ExchangeSourceFile> files)
        {
            this.reader = requireNonNull(reader, "reader is null");
            this.files = List.copyOf(files);
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
        public synchronized ListenableFuture<Void> isBlocked()
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
            }
            return restatedBlocked;
        }

        @Override
        public synchronized boolean isFinished()
        {
            return closed || (allFilesEnded && !pages.hasPage());
        }

        @Override
        public long getRetainedSize()
        {
            return INSTANCE_SIZE + reader.getRetainedSize() + retainedPageBytes;
        }

        @Override
        public synchronized void close()
        {
            closed = true;
            pages.clear();
            retainedPageBytes = 0;
            reader.close();
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
