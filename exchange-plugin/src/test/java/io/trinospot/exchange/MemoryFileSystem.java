package io.trinospot.exchange;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.Math.min;

/**
 * A Hadoop file system ({@code mem://}) serving files put into it, for the HDFS storage's reader without a DataNode.
 * Like the HDFS client, a read returns at most one packet ({@link #MAX_READ} bytes), whatever the caller asks for.
 */
public final class MemoryFileSystem
        extends FileSystem
{
    static final int MAX_READ = 64 * 1024;

    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> BYTES_SERVED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> READ_CALLS = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> CLOSED = new ConcurrentHashMap<>();

    private URI uri;

    static Configuration configuration()
    {
        Configuration configuration = new Configuration(false);
        configuration.setClass("fs.mem.impl", MemoryFileSystem.class, FileSystem.class);
        return configuration;
    }

    static URI put(String path, byte[] content)
    {
        URI file = URI.create("mem://spool" + path);
        FILES.put(file.getPath(), content.clone());
        BYTES_SERVED.put(file.getPath(), new AtomicLong());
        READ_CALLS.put(file.getPath(), new AtomicLong());
        CLOSED.put(file.getPath(), new CountDownLatch(1));
        return file;
    }

    /** Reads of the file wait until {@code gate} opens, as they do on a DataNode that stopped answering. */
    static void gate(URI file, CountDownLatch gate)
    {
        GATES.put(file.getPath(), gate);
    }

    /** Counts down once a stream opened on the file is closed. */
    static CountDownLatch closed(URI file)
    {
        return CLOSED.get(file.getPath());
    }

    /** Bytes handed to readers of the file so far. */
    static long bytesServed(URI file)
    {
        return BYTES_SERVED.get(file.getPath()).get();
    }

    /** Read calls (of any size) on the file so far. */
    static long readCalls(URI file)
    {
        return READ_CALLS.get(file.getPath()).get();
    }

    @Override
    public void initialize(URI name, Configuration configuration)
            throws IOException
    {
        super.initialize(name, configuration);
        this.uri = URI.create(name.getScheme() + "://" + name.getAuthority());
    }

    @Override
    public URI getUri()
    {
        return uri;
    }

    @Override
    public String getScheme()
    {
        return "mem";
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize)
            throws IOException
    {
        byte[] content = FILES.get(path.toUri().getPath());
        if (content == null) {
            throw new FileNotFoundException(path.toString());
        }
        AtomicLong served = BYTES_SERVED.get(path.toUri().getPath());
        AtomicLong calls = READ_CALLS.get(path.toUri().getPath());
        CountDownLatch gate = GATES.get(path.toUri().getPath());
        CountDownLatch closed = CLOSED.get(path.toUri().getPath());
        return new FSDataInputStream(new FSInputStream()
        {
            private int position;

            @Override
            public int read()
                    throws IOException
            {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length)
                    throws IOException
            {
                calls.incrementAndGet();
                if (gate != null) {
                    try {
                        gate.await();
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException();
                    }
                }
                if (length == 0) {
                    return 0;
                }
                if (position == content.length) {
                    return -1;
                }
                int count = min(min(length, MAX_READ), content.length - position);
                System.arraycopy(content, position, buffer, offset, count);
                position += count;
                served.addAndGet(count);
                return count;
            }

            @Override
            public void close()
            {
                closed.countDown();
            }

            @Override
            public void seek(long target)
            {
                position = (int) target;
            }

            @Override
            public long getPos()
            {
                return position;
            }

            @Override
            public boolean seekToNewSource(long target)
            {
                return false;
            }
        });
    }

    @Override
    public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public FSDataOutputStream append(Path path, int bufferSize, Progressable progress)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean rename(Path source, Path target)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(Path path, boolean recursive)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileStatus[] listStatus(Path path)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setWorkingDirectory(Path directory)
    {
    }

    @Override
    public Path getWorkingDirectory()
    {
        return new Path("/");
    }

    @Override
    public boolean mkdirs(Path path, FsPermission permission)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileStatus getFileStatus(Path path)
    {
        throw new UnsupportedOperationException();
    }
}
