package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.spi.exchange.ExchangeId;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failure of the HDFS client while the reader prefetches names the spool file and offset it happened in, not only
 * the client's own message (which often names neither), even when it happens in a file after the one being consumed.
 */
class TestHdfsReadFailure
{
    private static final byte[] PAGE = {10, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @Test
    void readFailureNamesTheFileItHappenedIn()
            throws Exception
    {
        Configuration configuration = new Configuration(false);
        configuration.setClass("fs.flaky.impl", FlakyFileSystem.class, FileSystem.class);
        HdfsExchangeStorage storage = new HdfsExchangeStorage(configuration, new HdfsExchangeConfig(), List.of());
        try {
            URI good = URI.create("flaky://spool/a/0_0.data");
            URI broken = URI.create("flaky://spool/b/0_0.data");
            ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(
                    new ExchangeSourceFile(good, PAGE.length, new ExchangeId("read-failure"), 0, 0),
                    new ExchangeSourceFile(broken, PAGE.length, new ExchangeId("read-failure"), 1, 0)), 1024, new MetricsBuilder());
            List<Slice> pages = new ArrayList<>();
            assertThatThrownBy(() -> {
                while (!reader.isFinished()) {
                    reader.isBlocked().get(10, TimeUnit.SECONDS);
                    Slice page = reader.read();
                    if (page != null) {
                        pages.add(page);
                    }
                }
            })
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Reading spool file " + broken + " failed in the page at offset 0")
                    .hasMessageContaining("Connection reset by peer");
            assertThat(pages.size()).isLessThanOrEqualTo(1);
            reader.close();
        }
        finally {
            storage.close();
        }
    }

    /** Serves one page for every file, except under {@code /b/}, whose reads fail as a dropped DataNode connection does. */
    public static final class FlakyFileSystem
            extends FileSystem
    {
        private URI uri;

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
            return "flaky";
        }

        @Override
        public FSDataInputStream open(Path path, int bufferSize)
        {
            boolean broken = path.toUri().getPath().startsWith("/b/");
            return new FSDataInputStream(new FSInputStream()
            {
                private int position;

                @Override
                public int read()
                        throws IOException
                {
                    if (broken) {
                        // what the HDFS client throws for a reset connection: no file in it
                        throw new IOException("Connection reset by peer");
                    }
                    return position < PAGE.length ? PAGE[position++] & 0xFF : -1;
                }

                @Override
                public void seek(long pos)
                {
                    position = (int) pos;
                }

                @Override
                public long getPos()
                {
                    return position;
                }

                @Override
                public boolean seekToNewSource(long targetPos)
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
}
