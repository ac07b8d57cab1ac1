package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeManagerFactory;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeManagerFactory;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trinospot.harness.HdfsCluster;
import io.trinospot.harness.ManagedProcess;
import io.trinospot.harness.PortAllocator;
import io.trinospot.harness.S3Server;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.trinospot.exchange.SpiDriver.Page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spool write + read throughput through the exchange SPI, same data for every storage: the spot plugin on HDFS,
 * S3 and a local directory, and Trino's own {@code filesystem} exchange on the same local directory.
 * Size with {@code -Dspool.bench.mb=N} (default 256) and {@code -Dspool.bench.sinks=N} (default 4); every storage
 * gets {@code -Dspool.bench.warmups=N} (default 1) untimed rounds first.
 */
class SpoolThroughputBenchmarkIT
{
    private static final int PARTITIONS = 16;
    private static final int PAGE_BYTES = 64 * 1024;
    private static final AtomicInteger QUERIES = new AtomicInteger();

    @Test
    void spoolThroughput()
            throws Exception
    {
        // A benchmark, not a test: it runs only when asked for, never as part of ./mvnw verify.
        assumeTrue(Boolean.getBoolean("spool.bench"), "set -Dspool.bench=true to run the spool throughput benchmark");
        int totalMb = Integer.getInteger("spool.bench.mb", 256);
        int sinks = Integer.getInteger("spool.bench.sinks", 4);
        int pagesPerSink = totalMb * 1024 * 1024 / PAGE_BYTES / sinks;
        List<List<Page>> data = new ArrayList<>();
        for (int sink = 0; sink < sinks; sink++) {
            // incompressible-ish random pages, like already-compressed exchange data
            data.add(AbstractExchangeSpiIT.pages(PARTITIONS, pagesPerSink, PAGE_BYTES, sink).stream()
                    .map(page -> new Page(page.partition(), page.data()))
                    .toList());
        }
        long bytes = data.stream().flatMap(List::stream).mapToLong(page -> page.data().length()).sum();

        Path work = StorageServers.workDir("spool-bench");
        Map<String, double[]> results = new LinkedHashMap<>();
        try (PortAllocator ports = new PortAllocator();
                HdfsCluster hdfs = StorageServers.startHdfs(ports, work);
                S3Server s3 = StorageServers.startS3(ports, work)) {
            s3.createBucket("bench");
            Path local = work.resolve("local-dir");
            if (selected("local")) {
                results.put("trino filesystem (local dir)", measure(new FileSystemExchangeManagerFactory(), Map.of("exchange.base-directories", local.toUri().toString()), data, bytes, List.of()));
                results.put("spot local dir", measure(new SpotExchangeManagerFactory(Map.of()), Map.of("exchange.base-directories", local.toUri().toString()), data, bytes, List.of()));
            }
            Map<String, String> hdfsConfig = StorageServers.hdfsConfig(hdfs, "/exchange");
            // e.g. -Dspool.bench.hdfs=exchange.hdfs.write-buffer-size=4MB;exchange.hdfs.io-threads=64 to try settings
            for (String setting : System.getProperty("spool.bench.hdfs", "").split(";")) {
                if (setting.contains("=")) {
                    hdfsConfig.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
                }
            }
            if (selected("hdfs")) {
                // e.g. -Dspool.bench.hdfs-site=/tmp/extra.xml to try HDFS client keys (dfs.*) on top of the cluster's files
            String extraSite = System.getProperty("spool.bench.hdfs-site", "");
            if (!extraSite.isBlank()) {
                hdfsConfig.put("hdfs.config.resources", hdfsConfig.get("hdfs.config.resources") + "," + extraSite);
            }
            results.put("spot hdfs", measure(new SpotExchangeManagerFactory(Map.of()), hdfsConfig, data, bytes, hdfs.processes()));
            }
            if (selected("s3")) {
                results.put("spot s3", measure(new SpotExchangeManagerFactory(Map.of()), StorageServers.s3Config(s3, "s3://bench/exchange"), data, bytes, List.of(s3.process())));
            }
        }
        double[] baseline = results.getOrDefault("trino filesystem (local dir)", new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        System.out.printf("%nSpool throughput, %d MB in %d sinks x %d partitions, %d kB pages%n", bytes >> 20, sinks, PARTITIONS, PAGE_BYTES / 1024);
        System.out.printf("%-30s %12s %12s %12s %14s   %s%n", "storage", "write MB/s", "read MB/s", "w+r MB/s", "vs Trino local", "CPU s/GB write (client+servers), read (client+servers)");
        for (Map.Entry<String, double[]> entry : results.entrySet()) {
            double[] r = entry.getValue();
            System.out.printf("%-30s %12.1f %12.1f %12.1f %13.2fx   %.1f+%.1f, %.1f+%.1f%n", entry.getKey(), r[0], r[1], r[2], r[2] / baseline[2], r[3], r[4], r[5], r[6]);
        }
        assertThat(results.values()).allMatch(r -> r[2] > 0);
    }

    /**
     * {@code -Dspool.bench.warmups=N} (default 1) untimed rounds of the same write + read first, so that every
     * storage is measured with warm JIT-compiled code in this JVM and in its server processes (a DataNode that
     * was started seconds ago is still compiling), as a long-running worker and DataNode would be.
     */
    private static double[] measure(ExchangeManagerFactory factory, Map<String, String> config, List<List<Page>> data, long bytes, List<ManagedProcess> servers)
            throws Exception
    {
        int warmups = Integer.getInteger("spool.bench.warmups", 1);
        for (int round = 0; round < warmups; round++) {
            double[] r = run(factory, config, data, bytes, servers);
            System.out.printf("  (warm-up %d: write %.1f, read %.1f, w+r %.1f MB/s)%n", round + 1, r[0], r[1], r[2]);
        }
        return run(factory, config, data, bytes, servers);
    }

    private static long clientCpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long cpuNanos(List<ManagedProcess> processes)
    {
        return processes.stream()
                .mapToLong(process -> ProcessHandle.of(process.pid()).flatMap(handle -> handle.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /** {@code -Dspool.bench.storages=hdfs,local} runs only those (for profiling one path); all by default. */
    private static boolean selected(String storage)
    {
        String storages = System.getProperty("spool.bench.storages", "");
        return storages.isBlank() || List.of(storages.split(",")).contains(storage);
    }

    /**
     * Returns {write MB/s, read MB/s, combined MB/s (bytes / (write time + read time)), then CPU seconds per GB of
     * this JVM while writing, of the storage server processes while writing, of this JVM while reading, of the
     * servers while reading}. The CPU figures do not depend on how busy the machine is, the MB/s do.
     */
    private static double[] run(ExchangeManagerFactory factory, Map<String, String> config, List<List<Page>> data, long bytes, List<ManagedProcess> servers)
            throws Exception
    {
        ExchangeManager manager = SpiDriver.create(factory, config);
        ExecutorService threads = Executors.newFixedThreadPool(data.size());
        try {
            Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId("20990101_000000", QUERIES.incrementAndGet()), PARTITIONS);
            List<ExchangeSinkHandle> sinks = new ArrayList<>();
            for (int sink = 0; sink < data.size(); sink++) {
                sinks.add(exchange.addSink(sink));
            }
            exchange.noMoreSinks();
            long writeStart = System.nanoTime();
            long clientCpuStart = clientCpuNanos();
            long serverCpuStart = cpuNanos(servers);
            List<Future<?>> writes = new ArrayList<>();
            for (int sink = 0; sink < data.size(); sink++) {
                int id = sink;
                writes.add(threads.submit(() -> {
                    SpiDriver.write(manager, SpiDriver.instantiate(exchange, sinks.get(id), 0), data.get(id), true);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get(30, TimeUnit.MINUTES);
            }
            long writeNanos = System.nanoTime() - writeStart;
            long writeClientCpu = clientCpuNanos() - clientCpuStart;
            long writeServerCpu = cpuNanos(servers) - serverCpuStart;
            Map<Integer, Integer> committed = new HashMap<>();
            for (int sink = 0; sink < data.size(); sink++) {
                exchange.sinkFinished(sinks.get(sink), 0);
                committed.put(sink, 0);
            }
            exchange.allRequiredSinksFinished();
            List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);

            // one reader per partition group, as downstream tasks would
            long readStart = System.nanoTime();
            clientCpuStart = clientCpuNanos();
            serverCpuStart = cpuNanos(servers);
            List<Future<Long>> reads = new ArrayList<>();
            int readers = data.size();
            for (int reader = 0; reader < readers; reader++) {
                int id = reader;
                List<ExchangeSourceHandle> mine = handles.stream().filter(handle -> handle.getPartitionId() % readers == id).toList();
                reads.add(threads.submit(() -> SpiDriver.read(manager, mine, SpiDriver.selector(exchange, committed)).stream().mapToLong(Slice::length).sum()));
            }
            long readBytes = 0;
            for (Future<Long> read : reads) {
                readBytes += read.get(30, TimeUnit.MINUTES);
            }
            long readNanos = System.nanoTime() - readStart;
            long readClientCpu = clientCpuNanos() - clientCpuStart;
            long readServerCpu = cpuNanos(servers) - serverCpuStart;
            assertThat(readBytes).isEqualTo(bytes);
            exchange.close();
            double mb = bytes / 1024.0 / 1024.0;
            double gb = mb / 1024;
            return new double[] {mb / (writeNanos / 1e9), mb / (readNanos / 1e9), mb / ((writeNanos + readNanos) / 1e9),
                    writeClientCpu / 1e9 / gb, writeServerCpu / 1e9 / gb, readClientCpu / 1e9 / gb, readServerCpu / 1e9 / gb};
        }
        finally {
            threads.shutdownNow();
            manager.shutdown();
        }
    }
}
