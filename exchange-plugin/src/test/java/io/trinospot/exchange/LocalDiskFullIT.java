package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.ExchangeStorageReader;
import io.trino.plugin.exchange.filesystem.MetricsBuilder;
import io.trino.plugin.exchange.filesystem.local.LocalFileSystemExchangeStorage;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeId;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSink;
import io.trino.spi.exchange.ExchangeSinkHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.trinospot.exchange.SpiDriver.Page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A local base directory on a file system of its own, 8 MB, that a sink outgrows: the write fails naming the spool
 * file and the cause, nothing is committed, the half-written file is never taken for a whole one, and the task's next
 * attempt spools normally once the failed one is aborted. Needs root for mount (a tmpfs, else a loop device).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalDiskFullIT
{
    private static final String SIZE_MB = "8";
    private static final String NOW = "20990101_000000";

    private Path workDir;
    private Path mountPoint;
    private boolean mounted;
    private final List<String> mountAttempts = new ArrayList<>();

    @BeforeAll
    void mount()
            throws Exception
    {
        workDir = StorageServers.workDir("disk-full");
        mountPoint = Files.createDirectories(workDir.resolve("mnt"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE_MB + "m", "tmpfs", mountPoint.toString());
        if (!mounted) {
            Path image = workDir.resolve("fs.img");
            mounted = run("truncate", "-s", SIZE_MB + "M", image.toString())
                    && run("mkfs.ext2", "-q", "-F", image.toString())
                    && run("mount", "-o", "loop", image.toString(), mountPoint.toString());
        }
    }

    @AfterAll
    void unmount()
            throws Exception
    {
        // lazily if something still holds a file there, so no mount outlives the test
        if (mounted) {
            assertThat(run("umount", mountPoint.toString()) || run("umount", "-l", mountPoint.toString())).as("unmounted: %s", mountAttempts).isTrue();
        }
    }

    @Test
    void sinkOutgrowingTheDiskFailsLoudlyAndCommitsNothing()
            throws Exception
    {
        assumeTrue(mounted, () -> "no small file system of its own could be mounted here (root and mount are needed): " + mountAttempts);
        ExchangeManager manager = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), Map.of("exchange.base-directories", mountPoint.toUri().toString()));
        try {
            Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 1), 1);
            ExchangeSinkHandle sinkHandle = exchange.addSink(0);
            exchange.noMoreSinks();

            // About 12 MB into an 8 MB file system.
            ExchangeSink sink = manager.createSink(SpiDriver.instantiate(exchange, sinkHandle, 0));
            Throwable failure = catchThrowable(() -> {
                for (Page page : AbstractExchangeSpiIT.pages(1, 1500, 8000, 1)) {
                    sink.isBlocked().get(1, TimeUnit.MINUTES);
                    sink.add(page.partition(), page.data());
                }
                sink.finish().get(1, TimeUnit.MINUTES);
            });
            assertThat(failure).as("writing 12 MB into 8 MB").isNotNull();
            String messages = SpoolCorruption.messages(failure);
            assertThat(messages).contains("No space left on device").contains("Writing spool file").contains(mountPoint.toUri().getPath());
            assertThat(catchThrowable(() -> sink.finish().get(1, TimeUnit.MINUTES))).as("finish after the failure").isNotNull();

            List<Path> files = filesOf(exchange);
            assertThat(files).as("nothing committed").noneMatch(file -> file.getFileName().toString().equals("committed"));
            // A sink whose finish fails aborts itself, deleting its files; one still there (a crash first) has no END frame
            for (Path file : files.stream().filter(path -> path.toString().endsWith(".data")).toList()) {
                assertThat(readThroughChecksums(file)).as("the half-written %s read as a spool file", file)
                        .hasValueSatisfying(message -> assertThat(message).contains(file.toUri().getPath()).contains("corrupt"));
            }

            // Trino aborts the failed attempt, which frees its space; the task's next attempt spools and is read back exactly.
            sink.abort().get(1, TimeUnit.MINUTES);
            assertThat(filesOf(exchange)).noneMatch(file -> file.toString().endsWith(".data"));
            List<Page> retry = AbstractExchangeSpiIT.pages(1, 100, 8000, 2);
            SpiDriver.write(manager, SpiDriver.instantiate(exchange, sinkHandle, 1), retry, true);
            exchange.sinkFinished(sinkHandle, 1);
            exchange.allRequiredSinksFinished();
            List<String> read = SpiDriver.read(manager, SpiDriver.sourceHandles(exchange), SpiDriver.selector(exchange, Map.of(0, 1))).stream()
                    .map(AbstractExchangeSpiIT::digest).toList();
            assertThat(read).containsExactlyElementsOf(retry.stream().map(Page::data).map(AbstractExchangeSpiIT::digest).toList());
            exchange.close();
        }
        finally {
            manager.shutdown();
        }
    }

    private List<Path> filesOf(Exchange exchange)
            throws IOException
    {
        try (Stream<Path> files = Files.walk(mountPoint)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.toString().contains("." + exchange.getId().getId() + "."))
                    .toList();
        }
    }

    /** The failure reading the file through the plugin's checksummed format gives, if any. */
    private static Optional<String> readThroughChecksums(Path file)
            throws IOException
    {
        ChecksummedExchangeStorage storage = new ChecksummedExchangeStorage(new LocalFileSystemExchangeStorage(), 16 << 20, new SpotExchangeStats());
        List<ExchangeSourceFile> files = List.of(new ExchangeSourceFile(file.toUri(), Files.size(file), new ExchangeId("disk-full"), 0, 0));
        try (ExchangeStorageReader reader = storage.createExchangeStorageReader(files, 16 << 20, new MetricsBuilder())) {
            while (!reader.isFinished()) {
                reader.isBlocked().get(1, TimeUnit.MINUTES);
                Slice ignored = reader.read();
            }
            return Optional.empty();
        }
        catch (Exception e) {
            return Optional.of(SpoolCorruption.messages(e));
        }
    }

    private boolean run(String... command)
            throws IOException, InterruptedException
    {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            mountAttempts.add(String.join(" ", command) + ": " + e.getMessage());
            return false;
        }
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean succeeded = exited && process.exitValue() == 0;
        if (!succeeded) {
            mountAttempts.add(String.join(" ", command) + ": " + (exited ? "exit " + process.exitValue() : "timed out") + (output.isEmpty() ? "" : " (" + output + ")"));
        }
        return succeeded;
    }
}
