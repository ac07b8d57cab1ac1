package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.spi.QueryId;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSinkInstanceHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.trinospot.exchange.SpiDriver.Page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SPI-level behaviour every storage must show; subclasses supply a real storage server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractExchangeSpiIT
{
    protected static final String NOW = "20990101_000000";
    private static final AtomicInteger CORRUPTION_QUERIES = new AtomicInteger();

    protected abstract ExchangeManager manager();

    /** Every file path under the manager's base directories. */
    protected abstract List<String> listSpooledFiles()
            throws Exception;

    /** Deletes one spooled data file behind the exchange's back. */
    protected abstract void deleteFile(String path)
            throws Exception;

    /** The content of one spooled file, read behind the exchange's back. */
    protected abstract byte[] readFile(String path)
            throws Exception;

    /** Overwrites one spooled file behind the exchange's back (storage checksums, if any, then match the new content). */
    protected abstract void replaceFile(String path, byte[] content)
            throws Exception;

    /** Trino's exchange over the same bare storage, without this plugin's spool checksums: what the storage alone guarantees. */
    protected abstract ExchangeManager managerWithoutSpoolChecksums();

    @Test
    void roundTripOfManyPartitionsAndAttempts()
            throws Exception
    {
        ExchangeManager manager = manager();
        int tasks = 12;
        int partitions = 16;
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 1), partitions);
        List<ExchangeSinkHandle> sinks = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            sinks.add(exchange.addSink(task));
        }
        exchange.noMoreSinks();
        Map<Integer, List<String>> expected = new HashMap<>();
        Map<Integer, Integer> committed = new HashMap<>();
        for (int task = 0; task < tasks; task++) {
            committed.put(task, task % 3);
            // attempts 0..(task % 3): all but the last fail (aborted), the last commits
            int lastAttempt = task % 3;
            for (int attempt = 0; attempt <= lastAttempt; attempt++) {
                List<Page> pages = new ArrayList<>();
                for (int partition = 0; partition < partitions; partition++) {
                    for (int i = 0; i < 20; i++) {
                        String value = task + "-" + partition + "-" + i + "-a" + attempt;
                        pages.add(Page.of(partition, value));
                        if (attempt == lastAttempt) {
                            expected.computeIfAbsent(partition, ignored -> new ArrayList<>()).add(value);
                        }
                    }
                }
                boolean commit = attempt == lastAttempt;
                ExchangeSinkInstanceHandle handle = SpiDriver.instantiate(exchange, sinks.get(task), attempt);
                SpiDriver.write(manager, handle, pages, commit);
                if (commit) {
                    exchange.sinkFinished(sinks.get(task), attempt);
                }
            }
        }
        exchange.allRequiredSinksFinished();
        List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);
        Map<Integer, List<String>> actual = new HashMap<>();
        for (ExchangeSourceHandle handle : handles) {
            actual.computeIfAbsent(handle.getPartitionId(), ignored -> new ArrayList<>())
                    .addAll(SpiDriver.read(manager, List.of(handle), SpiDriver.selector(exchange, committed)).stream().map(Slice::toStringUtf8).toList());
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (int partition : expected.keySet()) {
            assertThat(actual.get(partition)).containsExactlyInAnyOrderElementsOf(expected.get(partition));
        }
        exchange.close();
    }

    @Test
    void retriedAttemptsAreDeduplicated()
            throws Exception
    {
        ExchangeManager manager = manager();
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 2), 2);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        // Two attempts of the same task both finish writing (a speculative duplicate); both report success.
        for (int attempt = 0; attempt < 2; attempt++) {
            ExchangeSinkInstanceHandle handle = SpiDriver.instantiate(exchange, sink, attempt);
            SpiDriver.write(manager, handle, List.of(Page.of(0, "row-0"), Page.of(1, "row-1"), Page.of(0, "row-2")), true);
            exchange.sinkFinished(sink, attempt);
        }
        exchange.allRequiredSinksFinished();
        // the exchange keeps the first committed attempt, and Trino's scheduler selects that same attempt
        List<String> rows = SpiDriver.read(manager, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, Map.of(0, 0))).stream().map(Slice::toStringUtf8).toList();
        assertThat(rows).containsExactlyInAnyOrder("row-0", "row-1", "row-2");
        exchange.close();
    }

    @Test
    void abortAndCloseLeaveNothingBehind()
            throws Exception
    {
        ExchangeManager manager = manager();
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 3), 4);
        ExchangeSinkHandle sink0 = exchange.addSink(0);
        ExchangeSinkHandle sink1 = exchange.addSink(1);
        exchange.noMoreSinks();
        String marker = exchange.getId().getId();

        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink0, 0), pages(4, 200, 512, 7), false);
        assertThat(spooledFilesOf(marker)).as("an aborted attempt leaves no data files").noneMatch(path -> path.endsWith(".data"));

        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink0, 1), pages(4, 200, 512, 8), true);
        exchange.sinkFinished(sink0, 1);
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink1, 0), pages(4, 200, 512, 9), true);
        exchange.sinkFinished(sink1, 0);
        exchange.allRequiredSinksFinished();
        assertThat(spooledFilesOf(marker)).anyMatch(path -> path.endsWith(".data"));

        exchange.close();
        // close() deletes asynchronously
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!spooledFilesOf(marker).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(spooledFilesOf(marker)).isEmpty();
    }

    @Test
    void concurrentSinks()
            throws Exception
    {
        ExchangeManager manager = manager();
        int tasks = 8;
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 4), 8);
        List<ExchangeSinkHandle> sinks = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            sinks.add(exchange.addSink(task));
        }
        exchange.noMoreSinks();
        ExecutorService threads = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int task = 0; task < tasks; task++) {
                int taskId = task;
                futures.add(threads.submit(() -> {
                    SpiDriver.write(manager, SpiDriver.instantiate(exchange, sinks.get(taskId), 0), pages(8, 500, 1024, taskId), true);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        }
        finally {
            threads.shutdownNow();
        }
        for (int task = 0; task < tasks; task++) {
            exchange.sinkFinished(sinks.get(task), 0);
        }
        exchange.allRequiredSinksFinished();
        List<String> expected = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            pages(8, 500, 1024, task).forEach(page -> expected.add(digest(page.data())));
        }
        Map<Integer, Integer> committed = new HashMap<>();
        for (int task = 0; task < tasks; task++) {
            committed.put(task, 0);
        }
        List<String> actual = SpiDriver.read(manager, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, committed)).stream().map(AbstractExchangeSpiIT::digest).toList();
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        exchange.close();
    }

    @Test
    void readingWhileAnotherAttemptFails()
            throws Exception
    {
        ExchangeManager manager = manager();
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 5), 4);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        List<Page> committed = pages(4, 2000, 1024, 11);
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), committed, true);
        exchange.sinkFinished(sink, 0);
        exchange.allRequiredSinksFinished();
        List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);

        // A late (speculative) attempt of the same task writes a lot and then fails while the consumer reads.
        CompletableFuture<Void> failingAttempt = CompletableFuture.runAsync(() -> {
            try {
                SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 1), pages(4, 2000, 1024, 12), false);
            }
            catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        List<String> read = SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0))).stream().map(AbstractExchangeSpiIT::digest).toList();
        failingAttempt.get(5, TimeUnit.MINUTES);
        assertThat(read).containsExactlyInAnyOrderElementsOf(committed.stream().map(page -> digest(page.data())).toList());
        exchange.close();
    }

    @Test
    void missingSpoolFileFailsTheReadInsteadOfDroppingRows()
            throws Exception
    {
        ExchangeManager manager = manager();
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 6), 2);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        String marker = exchange.getId().getId();
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), pages(2, 100, 256, 13), true);
        exchange.sinkFinished(sink, 0);
        exchange.allRequiredSinksFinished();
        List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);
        String victim = spooledFilesOf(marker).stream().filter(path -> path.endsWith(".data")).findFirst().orElseThrow();
        deleteFile(victim);
        assertThatThrownBy(() -> SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0)))).isNotNull();
        exchange.close();
    }

    static List<SpoolCorruption.Case> corruptionCases()
    {
        return SpoolCorruption.cases();
    }

    @ParameterizedTest
    @MethodSource("corruptionCases")
    void damagedSpoolFileFailsTheReadNamingTheFile(SpoolCorruption.Case spoolCase)
            throws Exception
    {
        SpoolCorruption.SpooledFiles files = new SpoolCorruption.SpooledFiles()
        {
            @Override
            public List<String> list()
                    throws Exception
            {
                return listSpooledFiles();
            }

            @Override
            public byte[] read(String path)
                    throws Exception
            {
                return readFile(path);
            }

            @Override
            public void replace(String path, byte[] content)
                    throws Exception
            {
                replaceFile(path, content);
            }
        };
        SpoolCorruption.assertDamageFailsTheRead(getClass().getSimpleName(), managerWithoutSpoolChecksums(), manager(), files, spoolCase, 100 + CORRUPTION_QUERIES.incrementAndGet() * 2);
    }

    protected List<String> spooledFilesOf(String exchangeId)
            throws Exception
    {
        return listSpooledFiles().stream().filter(path -> path.contains("." + exchangeId + ".")).toList();
    }

    /** Deterministic pseudo-random pages of about {@code size} bytes spread over {@code partitions}. */
    protected static List<Page> pages(int partitions, int count, int size, long seed)
    {
        Random random = new Random(seed);
        List<Page> pages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[size / 2 + random.nextInt(size)];
            random.nextBytes(bytes);
            byte[] tag = (seed + ":" + i + ":").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(tag, 0, bytes, 0, Math.min(tag.length, bytes.length));
            pages.add(new Page(random.nextInt(partitions), Slices.wrappedBuffer(bytes)));
        }
        return pages;
    }

    protected static String digest(Slice slice)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(slice.getBytes()));
        }
        catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
