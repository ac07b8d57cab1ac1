package io.trinospot.exchange;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.ExchangeStorageWriter;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeId;
import io.trino.spi.exchange.ExchangeManager;
import io.airlift.units.DataSize;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trinospot.harness.HdfsCluster;
import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.PortAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.trinospot.exchange.SpiDriver.Page;
import static java.lang.Math.toIntExact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exchange SPI contract on real HDFS daemons (NameNode + DataNode processes from the harness). */
class HdfsExchangeSpiIT
        extends AbstractExchangeSpiIT
{
    private PortAllocator ports;
    private HdfsCluster hdfs;
    private java.nio.file.Path workDir;
    private ExchangeManager manager;
    private ExchangeManager bareStorageExchange;
    private FileSystem fileSystem;

    @BeforeAll
    void start()
            throws Exception
    {
        ports = new PortAllocator();
        workDir = StorageServers.workDir("hdfs-spi");
        hdfs = StorageServers.startHdfs(ports, workDir);
        Map<String, String> config = StorageServers.hdfsConfig(hdfs, "/exchange-a,/exchange-b");
        // 1 MB blocks (HDFS's minimum) so ordinary test data spans several blocks.
        config.put("exchange.hdfs.block-size", "1MB");
        config.put("exchange.hdfs.write-buffer-size", "64kB");
        manager = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
        Configuration configuration = clientConfiguration();
        fileSystem = FileSystem.get(hdfs.defaultFs(), configuration);
        HdfsExchangeConfig bareConfig = new HdfsExchangeConfig().setBlockSize(DataSize.of(1, DataSize.Unit.MEGABYTE)).setWriteBufferSize(DataSize.of(64, DataSize.Unit.KILOBYTE));
        String bareDirectory = hdfs.defaultFs().resolve("/exchange-bare").toString();
        bareStorageExchange = SpiDriver.overStorage(new HdfsExchangeStorage(configuration, bareConfig, List.of(URI.create(bareDirectory))), bareDirectory);
    }

    @AfterAll
    void stop()
            throws Exception
    {
        if (manager != null) {
            manager.shutdown();
        }
        if (bareStorageExchange != null) {
            bareStorageExchange.shutdown();
        }
        if (fileSystem != null) {
            fileSystem.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
        if (ports != null) {
            ports.close();
        }
    }

    @Override
    protected ExchangeManager manager()
    {
        return manager;
    }

    @Override
    protected List<String> listSpooledFiles()
            throws Exception
    {
        List<String> files = new ArrayList<>();
        for (String base : List.of("/exchange-a", "/exchange-b", "/exchange-bare")) {
            try {
                RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(new Path(base), true);
                while (iterator.hasNext()) {
                    files.add(iterator.next().getPath().toUri().toString());
                }
            }
            catch (FileNotFoundException e) {
                // not created yet
            }
        }
        return files;
    }

    @Override
    protected void deleteFile(String path)
            throws Exception
    {
        assertThat(fileSystem.delete(new Path(URI.create(path)), false)).isTrue();
    }

    @Override
    protected byte[] readFile(String path)
            throws Exception
    {
        try (FSDataInputStream input = fileSystem.open(new Path(URI.create(path)))) {
            return input.readAllBytes();
        }
    }

    @Override
    protected void replaceFile(String path, byte[] content)
            throws Exception
    {
        // a new file with new block checksums: damage done before HDFS got the bytes, which HDFS cannot see
        try (FSDataOutputStream output = fileSystem.create(new Path(URI.create(path)), true)) {
            output.write(content);
        }
    }

    @Override
    protected ExchangeManager managerWithoutSpoolChecksums()
    {
        return bareStorageExchange;
    }

    @Test
    void bitRotInABlockFileOnTheDataNodeFailsTheRead()
            throws Exception
    {
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 60), 1);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), pages(1, 200, 1024, 61), true);
        exchange.sinkFinished(sink, 0);
        exchange.allRequiredSinksFinished();
        List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);
        String dataFile = spooledFilesOf(exchange.getId().getId()).stream().filter(path -> path.endsWith(".data")).findFirst().orElseThrow();
        byte[] content = readFile(dataFile);
        assertThat(content.length).isLessThan(1024 * 1024);

        // The file is one block: find the DataNode's block file with the same bytes and flip a bit in it on disk.
        java.nio.file.Path blockFile;
        try (Stream<java.nio.file.Path> files = Files.walk(workDir.resolve("hdfs/data"))) {
            blockFile = files.filter(file -> file.getFileName().toString().matches("blk_\\d+"))
                    .filter(file -> sameBytes(file, content))
                    .findFirst().orElseThrow();
        }
        byte[] rotten = content.clone();
        rotten[rotten.length / 2] ^= 0x10;
        Files.write(blockFile, rotten);

        // HDFS's own block checksums catch it: the client rejects the only replica
        assertThatThrownBy(() -> SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0))))
                .satisfies(failure -> assertThat(SpoolCorruption.messages(failure)).contains(URI.create(dataFile).getPath()));
        exchange.close();
    }

    private static boolean sameBytes(java.nio.file.Path file, byte[] content)
    {
        try {
            return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client whose calls to a frozen DataNode keep their threads for the whole test, not the default 60 s. */
    private Configuration patientClientConfiguration()
    {
        Configuration configuration = clientConfiguration();
        configuration.setInt("dfs.client.socket-timeout", toIntExact(TimeUnit.MINUTES.toMillis(10)));
        return configuration;
    }

    private ManagedProcess dataNode()
    {
        return hdfs.processes().stream().filter(process -> process.name().equals("datanode")).findFirst().orElseThrow();
    }

    @Test
    void readsHangingOnAFrozenDataNodeDoNotHoldUpAFinishThatNeedsOnlyTheNameNode()
            throws Exception
    {
        Configuration configuration = patientClientConfiguration();
        int threads = 2;
        HdfsExchangeConfig config = new HdfsExchangeConfig().setIoThreads(threads).setReadThreads(threads).setReadBufferSize(DataSize.of(4, DataSize.Unit.KILOBYTE));
        URI base = hdfs.defaultFs().resolve("/exchange-frozen-datanode/");
        ManagedProcess dataNode = dataNode();
        HdfsExchangeStorage storage = new HdfsExchangeStorage(configuration, config, List.of(base));
        List<ExchangeStorageReader> readers = new ArrayList<>();
        boolean frozen = false;
        try {
            URI spooled = base.resolve("spooled.data");
            List<Slice> pages = List.of(Slices.utf8Slice("one"), Slices.utf8Slice("two"), Slices.wrappedBuffer(new byte[20_000]));
            ExchangeStorageWriter writer = storage.createExchangeStorageWriter(spooled);
            long size = 0;
            for (Slice page : pages) {
                Slice framed = Slices.allocate(Integer.BYTES + page.length());
                framed.setInt(0, page.length());
                framed.setBytes(Integer.BYTES, page);
                writer.write(framed).get(60, TimeUnit.SECONDS);
                size += framed.length();
            }
            writer.finish().get(60, TimeUnit.SECONDS);

            dataNode.freeze();
            frozen = true;
            // As many readers as I/O threads, each prefetching from the only (now frozen) DataNode.
            for (int i = 0; i < threads; i++) {
                readers.add(storage.createExchangeStorageReader(List.of(new ExchangeSourceFile(spooled, size, new ExchangeId("frozen"), i, 0)), 1024, new MetricsBuilder()));
            }
            // Creating and completing an empty file is NameNode work only: nothing to wait for on the DataNode.
            URI empty = base.resolve("empty.data");
            storage.createExchangeStorageWriter(empty).finish().get(30, TimeUnit.SECONDS);
            assertThat(fileSystem.getFileStatus(new Path(empty)).getLen()).isZero();
            // ...while the reads really were stuck on the DataNode all along
            assertThat(readers).allSatisfy(reader -> assertThat(reader.isBlocked()).isNotDone());

            dataNode.thaw();
            frozen = false;
            for (ExchangeStorageReader reader : readers) {
                List<Slice> read = new ArrayList<>();
                while (!reader.isFinished()) {
                    reader.isBlocked().get(60, TimeUnit.SECONDS);
                    Slice page = reader.read();
                    if (page != null) {
                        read.add(page);
                    }
                }
                assertThat(read).containsExactlyElementsOf(pages);
            }
        }
        finally {
            if (frozen) {
                dataNode.thaw();
            }
            readers.forEach(ExchangeStorageReader::close);
            storage.close();
        }
    }

    @Test
    void writesHangingOnAFrozenDataNodeDoNotHoldUpAReadThatNeedsOnlyTheNameNode()
            throws Exception
    {
        Configuration configuration = patientClientConfiguration();
        int threads = 2;
        HdfsExchangeConfig config = new HdfsExchangeConfig().setIoThreads(threads).setReadThreads(threads);
        URI base = hdfs.defaultFs().resolve("/exchange-frozen-datanode-writes/");
        ManagedProcess dataNode = dataNode();
        HdfsExchangeStorage storage = new HdfsExchangeStorage(configuration, config, List.of(base));
        List<ListenableFuture<Void>> finishes = new ArrayList<>();
        boolean frozen = false;
        try {
            URI empty = base.resolve("empty.data");
            storage.createEmptyFile(empty).get(60, TimeUnit.SECONDS);

            dataNode.freeze();
            frozen = true;
            // As many writers as I/O threads, each waiting for the only (now frozen) DataNode to acknowledge its data.
            Slice page = Slices.allocate(Integer.BYTES + 1000);
            page.setInt(0, 1000);
            for (int i = 0; i < threads; i++) {
                ExchangeStorageWriter writer = storage.createExchangeStorageWriter(base.resolve("hanging-" + i + ".data"));
                writer.write(page);
                finishes.add(writer.finish());
            }
            // Reading an empty file is NameNode work only: its length says there is nothing to fetch from a DataNode.
            ExchangeStorageReader reader = storage.createExchangeStorageReader(List.of(new ExchangeSourceFile(empty, 0, new ExchangeId("frozen"), 0, 0)), 1024, new MetricsBuilder());
            reader.isBlocked().get(30, TimeUnit.SECONDS);
            assertThat(reader.read()).isNull();
            assertThat(reader.isFinished()).isTrue();
            reader.close();
            // ...while the writes really were stuck on the DataNode all along
            assertThat(finishes).allSatisfy(finish -> assertThat(finish).isNotDone());

            dataNode.thaw();
            frozen = false;
            for (ListenableFuture<Void> finish : finishes) {
                finish.get(60, TimeUnit.SECONDS);
            }
            for (int i = 0; i < threads; i++) {
                assertThat(fileSystem.getFileStatus(new Path(base.resolve("hanging-" + i + ".data"))).getLen()).isEqualTo(page.length());
            }
        }
        finally {
            if (frozen) {
                dataNode.thaw();
            }
            storage.close();
        }
    }

    @Test
    void ioPoolsAreOnJmx()
            throws Exception
    {
        ObjectName name = new ObjectName("trino.plugin.exchange.spot:name=HdfsExchangeStorage");
        for (String attribute : List.of("WriteTasksQueued", "WriteThreadsBusy", "ReadAheadTasksQueued", "ReadThreadsBusy")) {
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).as(attribute).isInstanceOf(Integer.class);
        }
    }

    private Configuration clientConfiguration()
    {
        Configuration configuration = new Configuration();
        configuration.addResource(new Path(hdfs.confDir().resolve("core-site.xml").toUri()));
        configuration.addResource(new Path(hdfs.confDir().resolve("hdfs-site.xml").toUri()));
        configuration.setBoolean("fs.hdfs.impl.disable.cache", true);
        return configuration;
    }

    @Test
    void relativeBaseDirectoriesResolveAgainstDefaultFs()
            throws Exception
    {
        // use-local-hdfs turned /exchange-a into hdfs://127.0.0.1:<port>/exchange-a at start-up
        assertThat(fileSystem.exists(new Path("/exchange-a"))).isTrue();
        assertThat(fileSystem.exists(new Path("/exchange-b"))).isTrue();
    }

    @Test
    void dataLargerThanOneBlock()
            throws Exception
    {
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 20), 1);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        // ~6 MB into a single partition file over 1 MB blocks
        List<Page> pages = pages(1, 3000, 2800, 21);
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), pages, true);
        exchange.sinkFinished(sink, 0);
        exchange.allRequiredSinksFinished();
        String marker = exchange.getId().getId();
        String dataFile = spooledFilesOf(marker).stream().filter(path -> path.endsWith(".data")).findFirst().orElseThrow();
        org.apache.hadoop.fs.FileStatus status = fileSystem.getFileStatus(new Path(URI.create(dataFile)));
        assertThat(status.getBlockSize()).isEqualTo(1024 * 1024);
        assertThat(fileSystem.getFileBlockLocations(status, 0, status.getLen())).hasSizeGreaterThan(4);

        List<Slice> read = SpiDriver.read(manager, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, Map.of(0, 0)));
        assertThat(read.stream().map(AbstractExchangeSpiIT::digest).toList())
                .containsExactlyElementsOf(pages.stream().map(page -> digest(page.data())).toList());
        exchange.close();
    }

    @Test
    void packetsLargerThanWritesAndBlocksRoundTrip()
            throws Exception
    {
        // Writes (3 MB buffers) that straddle packets (8 MB, the maximum) that are larger than the blocks (1 MB):
        // the HDFS client must cut packets at block boundaries and the reader must see every byte exactly once.
        Map<String, String> config = StorageServers.hdfsConfig(hdfs, "/exchange-packets");
        config.put("exchange.hdfs.block-size", "1MB");
        config.put("exchange.hdfs.write-buffer-size", "3MB");
        config.put("exchange.hdfs.packet-size", "8MB");
        config.put("exchange.hdfs.max-packets-in-flight", "2");
        config.put("exchange.hdfs.close-retry-initial-delay", "1ms");
        ExchangeManager bigPackets = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
        try {
            Exchange exchange = SpiDriver.exchange(bigPackets, SpiDriver.queryId(NOW, 40), 3);
            List<ExchangeSinkHandle> sinks = List.of(exchange.addSink(0), exchange.addSink(1));
            exchange.noMoreSinks();
            List<List<Page>> written = List.of(pages(3, 1500, 9000, 41), pages(3, 1500, 9000, 42));
            for (int sink = 0; sink < sinks.size(); sink++) {
                SpiDriver.write(bigPackets, SpiDriver.instantiate(exchange, sinks.get(sink), 0), written.get(sink), true);
                exchange.sinkFinished(sinks.get(sink), 0);
            }
            exchange.allRequiredSinksFinished();
            List<String> expected = written.stream().flatMap(List::stream).map(page -> digest(page.data())).sorted().toList();
            List<Slice> read = SpiDriver.read(bigPackets, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, Map.of(0, 0, 1, 0)));
            assertThat(read.stream().map(AbstractExchangeSpiIT::digest).sorted().toList()).containsExactlyElementsOf(expected);
            exchange.close();
        }
        finally {
            bigPackets.shutdown();
        }
    }

    @Test
    void hadoopConfDirWorksLikeConfigResources()
            throws Exception
    {
        Map<String, String> config = new HashMap<>();
        config.put("exchange.base-directories", "/exchange-env");
        config.put("exchange.use-local-hdfs", "true");
        ExchangeManager fromEnv = SpiDriver.create(new SpotExchangeManagerFactory(Map.of("HADOOP_CONF_DIR", hdfs.confDir().toString())), config);
        try {
            Exchange exchange = SpiDriver.exchange(fromEnv, SpiDriver.queryId(NOW, 30), 1);
            ExchangeSinkHandle sink = exchange.addSink(0);
            exchange.noMoreSinks();
            SpiDriver.write(fromEnv, SpiDriver.instantiate(exchange, sink, 0), List.of(Page.of(0, "via HADOOP_CONF_DIR")), true);
            exchange.sinkFinished(sink, 0);
            exchange.allRequiredSinksFinished();
            assertThat(SpiDriver.read(fromEnv, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, Map.of(0, 0))).getFirst().toStringUtf8()).isEqualTo("via HADOOP_CONF_DIR");
            assertThat(fileSystem.exists(new Path("/exchange-env"))).isTrue();
            exchange.close();
        }
        finally {
            fromEnv.shutdown();
        }
    }

    @Test
    void unreachableNameNodeFailsStartupNamingTheKey()
            throws Exception
    {
        java.nio.file.Path conf = StorageServers.workDir("hdfs-unreachable").resolve("core-site.xml");
        int closedPort = ports.allocate();
        Files.writeString(conf, """
                <configuration>
                  <property><name>fs.defaultFS</name><value>hdfs://127.0.0.1:%d</value></property>
                  <property><name>ipc.client.connect.max.retries</name><value>0</value></property>
                  <property><name>ipc.client.connect.max.retries.on.timeouts</name><value>0</value></property>
                </configuration>
                """.formatted(closedPort));
        Map<String, String> config = Map.of(
                "exchange.base-directories", "/exchange",
                "exchange.use-local-hdfs", "true",
                "hdfs.config.resources", conf.toString());
        assertThatThrownBy(() -> SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config))
                .hasMessageContaining("exchange.base-directories")
                .hasMessageContaining("hdfs://127.0.0.1:" + closedPort);
    }

    @Test
    void orphanCleanupRemovesOnlyADeadCoordinatorsDirectories()
            throws Exception
    {
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = new Ticker()
        {
            @Override
            public long read()
            {
                return nanos.get();
            }
        };
        Map<String, String> config = StorageServers.hdfsConfig(hdfs, "/exchange-orphans");
        config.put("exchange.orphan-cleanup.min-age", "1m");
        // A crashed coordinator: it marked its exchanges, never closed them and stopped refreshing its lease.
        ExchangeManager crashed = SpiDriver.create(new SpotExchangeManagerFactory(Map.of(), ticker), config);
        writeOne(crashed, SpiDriver.queryId("20200101_000000", 1), "orphan");
        writeOne(crashed, SpiDriver.queryId("20990101_000000", 2), "young orphan");
        crashed.shutdown();

        // The live coordinator runs a query older than min-age: its data must survive.
        SpotExchangeManager live = (SpotExchangeManager) SpiDriver.create(new SpotExchangeManagerFactory(Map.of(), ticker), config);
        try {
            Exchange running = writeOne(live, SpiDriver.queryId("20200101_000000", 3), "running");
            assertThat(live.orphanCleaner().runOnce()).isEmpty();
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(61));
            List<URI> deleted = live.orphanCleaner().runOnce();
            assertThat(deleted).hasSize(2);
            List<String> remaining = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(new Path("/exchange-orphans"), true);
            while (iterator.hasNext()) {
                remaining.add(iterator.next().getPath().toString());
            }
            assertThat(remaining).noneMatch(path -> path.contains("20200101_000000_00001_abcde"));
            assertThat(remaining).noneMatch(path -> path.contains("20990101_000000_00002_abcde"));
            assertThat(remaining).anyMatch(path -> path.contains("20200101_000000_00003_abcde") && !path.contains(OrphanCleaner.OWNERS_DIRECTORY));
            running.close();
        }
        finally {
            live.shutdown();
        }
    }

    private static Exchange writeOne(ExchangeManager manager, io.trino.spi.QueryId queryId, String value)
            throws Exception
    {
        Exchange exchange = SpiDriver.exchange(manager, queryId, 1);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), List.of(Page.of(0, value)), true);
        exchange.sinkFinished(sink, 0);
        return exchange;
    }
}
