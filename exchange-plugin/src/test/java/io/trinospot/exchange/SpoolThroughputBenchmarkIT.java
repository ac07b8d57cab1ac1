package io.trinospot.exchange;

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
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * Size with {@code -Dspool.bench.mb=N} (default 256) and {@code -Dspool.bench.sinks=N} (default 4). Every storage
 * first gets {@code -Dspool.bench.warmups=N} (default 3) untimed runs, then {@code -Dspool.bench.rounds=N} (default 5)
 * timed rounds that take the storages in turn; the medians are reported, the ratio as the median of each round's.
 * The spot runs write and verify checksummed spool files ({@link ChecksummedExchangeStorage}), Trino's do not.
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
        int warmups = Integer.getInteger("spool.bench.warmups", 3);
        int rounds = Integer.getInteger("spool.bench.rounds", 5);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (PortAllocator ports = new PortAllocator();
                HdfsCluster hdfs = StorageServers.startHdfs(ports, work);
                S3Server s3 = StorageServers.startS3(ports, work)) {
            s3.createBucket("bench");
            Path local = work.resolve("local-dir");
            List<Candidate> candidates = new ArrayList<>();
            if (selected("local")) {
                candidates.add(Candidate.exchange(BASELINE, new FileSystemExchangeManagerFactory(), Map.of("exchange.base-directories", local.toUri().toString()), List.of()));
                candidates.add(Candidate.exchange("spot local dir", new SpotExchangeManagerFactory(Map.of()), Map.of("exchange.base-directories", local.toUri().toString()), List.of()));
            }
            if (selected("hdfs")) {
                Map<String, String> hdfsConfig = StorageServers.hdfsConfig(hdfs, "/exchange");
                // e.g. -Dspool.bench.hdfs=exchange.hdfs.write-buffer-size=4MB;exchange.hdfs.io-threads=64 to try settings
                for (String setting : System.getProperty("spool.bench.hdfs", "").split(";")) {
                    if (setting.contains("=")) {
                        hdfsConfig.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
                    }
                }
                // e.g. -Dspool.bench.hdfs-site=/tmp/extra.xml to try HDFS client keys (dfs.*) on top of the cluster's files
                String extraSite = System.getProperty("spool.bench.hdfs-site", "");
                if (!extraSite.isBlank()) {
                    hdfsConfig.put("hdfs.config.resources", hdfsConfig.get("hdfs.config.resources") + "," + extraSite);
                }
                candidates.add(Candidate.exchange(SPOT_HDFS, new SpotExchangeManagerFactory(Map.of()), hdfsConfig, hdfs.processes()));
                candidates.add(new Candidate(HADOOP_CLIENT, (pages, size) -> runHadoopClient(hdfs, pages, size, hdfs.processes())));
                // e.g. -Dspool.bench.hdfs.compare=exchange.hdfs.packet-size=64kB: the same HDFS with other settings, in the same rounds
                String compare = System.getProperty("spool.bench.hdfs.compare", "");
                if (!compare.isBlank()) {
                    Map<String, String> compareConfig = new LinkedHashMap<>(hdfsConfig);
                    for (String setting : compare.split(";")) {
                        compareConfig.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
                    }
                    candidates.add(Candidate.exchange("spot hdfs, " + compare, new SpotExchangeManagerFactory(Map.of()), compareConfig, hdfs.processes()));
                }
            }
            if (selected("s3")) {
                candidates.add(Candidate.exchange("spot s3", new SpotExchangeManagerFactory(Map.of()), StorageServers.s3Config(s3, "s3://bench/exchange"), List.of(s3.process())));
            }
            // Untimed first: every storage is then measured with JIT-compiled code in this JVM and in its server
            // processes (a DataNode started seconds ago is still compiling), as a long-running worker would be.
            for (int round = 0; round < warmups; round++) {
                for (Candidate candidate : candidates) {
                    double[] r = candidate.runner().run(data, bytes);
                    System.out.printf("  (warm-up %d %s: write %.1f, read %.1f, w+r %.1f MB/s)%n", round + 1, candidate.name(), r[0], r[1], r[2]);
                }
            }
            // Timed rounds take the storages in turn, so that a change of load on the machine hits all of them
            // alike and each round's ratio compares runs made seconds apart. Each round starts one storage later:
            // a run inherits the page cache, dirty pages and deletions of the run before it, which no storage
            // should always pay for (or always escape).
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < candidates.size(); turn++) {
                    Candidate candidate = candidates.get((round + turn) % candidates.size());
                    double[] r = candidate.runner().run(data, bytes);
                    results.computeIfAbsent(candidate.name(), ignored -> new ArrayList<>()).add(r);
                    System.out.printf("  (round %d %s: write %.1f, read %.1f, w+r %.1f MB/s)%n", round + 1, candidate.name(), r[0], r[1], r[2]);
                }
            }
        }
        List<double[]> baseline = results.get(BASELINE);
        System.out.printf("%nSpool throughput, %d MB in %d sinks x %d partitions, %d kB pages; medians of %d rounds after %d warm-up%n", bytes >> 20, sinks, PARTITIONS, PAGE_BYTES / 1024, rounds, warmups);
        System.out.printf("%-30s %12s %12s %12s %14s   %s%n", "storage", "write MB/s", "read MB/s", "w+r MB/s", "vs Trino local", "CPU s/GB write (client+servers), read (client+servers)");
        for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
            List<double[]> runs = entry.getValue();
            // the ratio of each round (to Trino's run of the same round), then the median of those
            double ratio = baseline == null ? Double.NaN : medianRatio(runs, baseline, 2);
            System.out.printf("%-30s %12.1f %12.1f %12.1f %13.2fx   %.1f+%.1f, %.1f+%.1f%n", entry.getKey().length() > 30 ? entry.getKey() + "\n" : entry.getKey(),
                    median(runs, 0), median(runs, 1), median(runs, 2), ratio, median(runs, 3), median(runs, 4), median(runs, 5), median(runs, 6));
        }
        List<double[]> hadoop = results.get(HADOOP_CLIENT);
        List<double[]> spotHdfs = results.get(SPOT_HDFS);
        if (hadoop != null && spotHdfs != null) {
            System.out.printf("%s vs %s (HDFS's own ceiling here): %.2fx w+r, %.2fx write, %.2fx read%n", SPOT_HDFS, HADOOP_CLIENT,
                    medianRatio(spotHdfs, hadoop, 2), medianRatio(spotHdfs, hadoop, 0), medianRatio(spotHdfs, hadoop, 1));
        }
        assertThat(results.values()).allMatch(runs -> runs.stream().allMatch(r -> r[2] > 0));
    }

    private static final String BASELINE = "trino filesystem (local dir)";
    private static final String HADOOP_CLIENT = "hdfs, hadoop client alone";
    private static final String SPOT_HDFS = "spot hdfs";

    /** How one storage spools the data: returns {@link #figures}. */
    private interface Runner
    {
        double[] run(List<List<Page>> data, long bytes)
                throws Exception;
    }

    private record Candidate(String name, Runner runner)
    {
        /** Through the exchange SPI of {@code factory} with {@code config}; {@code servers} are the storage's processes. */
        static Candidate exchange(String name, ExchangeManagerFactory factory, Map<String, String> config, List<ManagedProcess> servers)
        {
            return new Candidate(name, (data, bytes) -> SpoolThroughputBenchmarkIT.run(factory, config, data, bytes, servers));
        }
    }

    /** The median over rounds of {@code runs}' figure in {@code column} divided by {@code baseline}'s of the same round. */
    private static double medianRatio(List<double[]> runs, List<double[]> baseline, int column)
    {
        return median(java.util.stream.IntStream.range(0, runs.size()).mapToDouble(i -> runs.get(i)[column] / baseline.get(i)[column]).toArray());
    }

    private static double median(List<double[]> runs, int column)
    {
        return median(runs.stream().mapToDouble(r -> r[column]).toArray());
    }

    private static double median(double[] values)
    {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * HDFS's own ceiling here: the same pages written with the Hadoop client alone, one file per sink and partition
     * as the exchange writes them, then read back by as many readers, with no exchange code at all. No exchange on
     * HDFS can be faster than this on the same machine.
     */
    private static double[] runHadoopClient(HdfsCluster hdfs, List<List<Page>> data, long bytes, List<ManagedProcess> servers)
            throws Exception
    {
        Configuration configuration = new Configuration(false);
        configuration.addResource(new org.apache.hadoop.fs.Path(hdfs.confDir().resolve("core-site.xml").toUri()));
        configuration.addResource(new org.apache.hadoop.fs.Path(hdfs.confDir().resolve("hdfs-site.xml").toUri()));
        configuration.setBoolean("fs.hdfs.impl.disable.cache", true);
        // the same quick close retries as the spot exchange (Hadoop's first retry waits 400 ms)
        configuration.setLong("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
        configuration.setInt("dfs.client.block.write.locateFollowingBlock.retries", 10);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path("/hadoop-client-bench/" + QUERIES.incrementAndGet());
        ExecutorService threads = Executors.newFixedThreadPool(data.size());
        try (FileSystem fileSystem = FileSystem.newInstance(hdfs.defaultFs(), configuration)) {
            List<Callable<Long>> writes = new ArrayList<>();
            for (int sink = 0; sink < data.size(); sink++) {
                int id = sink;
                writes.add(() -> {
                    FSDataOutputStream[] files = new FSDataOutputStream[PARTITIONS];
                    for (Page page : data.get(id)) {
                        if (files[page.partition()] == null) {
                            files[page.partition()] = fileSystem.create(new org.apache.hadoop.fs.Path(dir, page.partition() + "/" + id + ".data"));
                        }
                        files[page.partition()].write(page.data().byteArray(), page.data().byteArrayOffset(), page.data().length());
                    }
                    for (FSDataOutputStream file : files) {
                        if (file != null) {
                            file.close();
                        }
                    }
                    return 0L;
                });
            }
            Phase write = Phase.run(threads, writes, servers);

            List<Callable<Long>> reads = new ArrayList<>();
            int readers = data.size();
            for (int reader = 0; reader < readers; reader++) {
                int id = reader;
                reads.add(() -> {
                    long read = 0;
                    byte[] buffer = new byte[1 << 20];
                    for (int partition = id; partition < PARTITIONS; partition += readers) {
                        org.apache.hadoop.fs.Path partitionDir = new org.apache.hadoop.fs.Path(dir, String.valueOf(partition));
                        if (!fileSystem.exists(partitionDir)) {
                            continue;
                        }
                        for (org.apache.hadoop.fs.FileStatus file : fileSystem.listStatus(partitionDir)) {
                            try (FSDataInputStream input = fileSystem.open(file.getPath())) {
                                for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
                                    read += n;
                                }
                            }
                        }
                    }
                    return read;
                });
            }
            Phase read = Phase.run(threads, reads, servers);
            assertThat(read.sum()).isEqualTo(bytes);
            fileSystem.delete(dir, true);
            return figures(bytes, write, read);
        }
        finally {
            threads.shutdownNow();
        }
    }

    /** One phase (all writes, or all reads): wall time, CPU of this JVM and of the servers, and what the tasks returned. */
    private record Phase(long nanos, long clientCpu, long serverCpu, long sum)
    {
        static Phase run(ExecutorService threads, List<Callable<Long>> tasks, List<ManagedProcess> servers)
                throws Exception
        {
            long start = System.nanoTime();
            long clientCpuStart = clientCpuNanos();
            long serverCpuStart = cpuNanos(servers);
            List<Future<Long>> running = new ArrayList<>();
            for (Callable<Long> task : tasks) {
                running.add(threads.submit(task));
            }
            long sum = 0;
            for (Future<Long> task : running) {
                sum += task.get(30, TimeUnit.MINUTES);
            }
            return new Phase(System.nanoTime() - start, clientCpuNanos() - clientCpuStart, cpuNanos(servers) - serverCpuStart, sum);
        }
    }

    /**
     * {write MB/s, read MB/s, combined MB/s (bytes / (write time + read time)), then CPU seconds per GB of this JVM
     * while writing, of the storage server processes while writing, of this JVM while reading, of the servers while
     * reading}. The CPU figures do not depend on how busy the machine is, the MB/s do.
     */
    private static double[] figures(long bytes, Phase write, Phase read)
    {
        double mb = bytes / 1024.0 / 1024.0;
        double gb = mb / 1024;
        return new double[] {mb / (write.nanos() / 1e9), mb / (read.nanos() / 1e9), mb / ((write.nanos() + read.nanos()) / 1e9),
                write.clientCpu() / 1e9 / gb, write.serverCpu() / 1e9 / gb, read.clientCpu() / 1e9 / gb, read.serverCpu() / 1e9 / gb};
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

    /** Spools the pages through the exchange SPI and reads them back; returns {@link #figures}. */
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
            List<Callable<Long>> writes = new ArrayList<>();
            for (int sink = 0; sink < data.size(); sink++) {
                int id = sink;
                writes.add(() -> {
                    SpiDriver.write(manager, SpiDriver.instantiate(exchange, sinks.get(id), 0), data.get(id), true);
                    return 0L;
                });
            }
            Phase write = Phase.run(threads, writes, servers);
            Map<Integer, Integer> committed = new HashMap<>();
            for (int sink = 0; sink < data.size(); sink++) {
                exchange.sinkFinished(sinks.get(sink), 0);
                committed.put(sink, 0);
            }
            exchange.allRequiredSinksFinished();
            List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);

            // one reader per partition group, as downstream tasks would
            List<Callable<Long>> reads = new ArrayList<>();
            int readers = data.size();
            for (int reader = 0; reader < readers; reader++) {
                int id = reader;
                List<ExchangeSourceHandle> mine = handles.stream().filter(handle -> handle.getPartitionId() % readers == id).toList();
                reads.add(() -> SpiDriver.readBytes(manager, mine, SpiDriver.selector(exchange, committed)));
            }
            Phase read = Phase.run(threads, reads, servers);
            assertThat(read.sum()).isEqualTo(bytes);
            exchange.close();
            return figures(bytes, write, read);
        }
        finally {
            threads.shutdownNow();
            manager.shutdown();
        }
    }
}
