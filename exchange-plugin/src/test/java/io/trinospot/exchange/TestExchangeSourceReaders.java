package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.ExchangeSourceFile;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeSource;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeSourceHandle;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStats;
import io.trino.spi.exchange.ExchangeId;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trino.spi.exchange.ExchangeSourceOutputSelector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trino's {@link FileSystemExchangeSource} over verifying readers of a storage whose reads wait until the test lets
 * them through: a finished reader must not make the source loop while its other readers wait, and must never leave
 * the source waiting on a future nothing completes. Whatever happened before, once every storage read may complete,
 * the source is not blocked and reads to its end.
 */
class TestExchangeSourceReaders
{
    private static final ExchangeId EXCHANGE = new ExchangeId("gated");
    // partitions the selector includes: more than any test writes
    private static final int FILES = 8;
    // reads per step, far more than any step takes: a source that loops or never ends fails the step, not hangs it
    private static final int MAX_READS = 10_000;

    private final GatedStorage gated = new GatedStorage();
    private final FileSystemExchangeSource source = new FileSystemExchangeSource(
            new ChecksummedExchangeStorage(gated, 16 << 20, new SpotExchangeStats()),
            new FileSystemExchangeStats(),
            16 << 20,
            2,
            2);
    private final List<String> read = new ArrayList<>();

    TestExchangeSourceReaders()
    {
        ExchangeSourceOutputSelector.Builder selector = ExchangeSourceOutputSelector.builder(Set.of(EXCHANGE));
        for (int partition = 0; partition < FILES; partition++) {
            selector.include(EXCHANGE, partition, 0);
        }
        source.setOutputSelector(selector.setPartitionCount(EXCHANGE, FILES).setFinal().build());
    }

    @Test
    void finishedReaderWaitsForItsSiblingInsteadOfLooping()
    {
        ExchangeSourceFile first = file(0, "first");
        ExchangeSourceFile slow = file(1, "slow");
        // one reader each: the source starts a reader per call while it has fewer than two
        source.addSourceHandles(handles(first));
        source.addSourceHandles(handles(slow));
        gated.open(first);
        readUntil("first");
        readUntilNoMorePages();

        CompletableFuture<Void> blocked = source.isBlocked();
        assertThat(blocked).as("one reader finished, the other waits for the storage").isNotDone();
        for (int i = 0; i < 1000; i++) {
            assertThat(source.read()).isNull();
            assertThat(source.isBlocked()).isNotDone();
        }
        assertThat(gated.gate(slow).listeners).as("listeners on the waiting storage future").hasValue(1);

        gated.open(slow);
        assertThat(blocked).isDone();
        source.noMoreSourceHandles();
        readToTheEnd();
        assertThat(read).containsExactly("first", "slow");
    }

    @Test
    void sourceHandlesAddedWhileAFinishedReaderWaits()
    {
        ExchangeSourceFile first = file(0, "first");
        ExchangeSourceFile slow = file(1, "slow");
        // one reader each: the source starts a reader per call while it has fewer than two
        source.addSourceHandles(handles(first));
        source.addSourceHandles(handles(slow));
        gated.open(first);
        readUntil("first");
        readUntilNoMorePages();
        CompletableFuture<Void> blocked = source.isBlocked();

        // the source closes the finished reader and starts one for the new file
        ExchangeSourceFile late = file(2, "late");
        source.addSourceHandles(handles(late));
        gated.open(late);
        assertThat(blocked).isDone();
        readUntil("late");

        gated.open(slow);
        source.noMoreSourceHandles();
        readToTheEnd();
        assertThat(read).containsExactly("first", "late", "slow");
    }

    @Test
    void noMoreSourceHandlesWhileAFinishedReaderWaits()
    {
        ExchangeSourceFile first = file(0, "first");
        ExchangeSourceFile slow = file(1, "slow");
        // one reader each: the source starts a reader per call while it has fewer than two
        source.addSourceHandles(handles(first));
        source.addSourceHandles(handles(slow));
        source.noMoreSourceHandles();
        gated.open(first);
        readUntil("first");
        readUntilNoMorePages();
        CompletableFuture<Void> blocked = source.isBlocked();

        gated.open(slow);
        assertThat(blocked).isDone();
        readToTheEnd();
        assertThat(read).containsExactly("first", "slow");
    }

    @Test
    void sourceClosedWhileAFinishedReaderWaits()
    {
        ExchangeSourceFile first = file(0, "first");
        ExchangeSourceFile slow = file(1, "slow");
        // one reader each: the source starts a reader per call while it has fewer than two
        source.addSourceHandles(handles(first));
        source.addSourceHandles(handles(slow));
        gated.open(first);
        readUntil("first");
        readUntilNoMorePages();
        CompletableFuture<Void> blocked = source.isBlocked();

        source.close();
        // the storage's own future of the closed reader never completes here: the finished reader's must
        assertThat(blocked).isDone();
        assertThat(source.isBlocked()).isDone();
        assertThat(source.isFinished()).isTrue();
        assertThat(gated.readers()).allMatch(GatedStorage.Reader::isClosed);
    }

    @Test
    void readersFinishInEveryOrder()
    {
        List<ExchangeSourceFile> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            files.add(file(i, "f" + i));
        }
        // readers [f0] and [f1]; f2 and f3 wait for a free reader, then go to one reader together
        for (int i = 0; i < 4; i++) {
            source.addSourceHandles(handles(files.get(i)));
        }
        gated.open(files.get(1));
        readUntil("f1");
        readUntilNoMorePages();
        gated.open(files.get(0));
        readUntil("f0");
        // arrive while the finished reader of f0 is still among the source's readers
        source.addSourceHandles(handles(files.get(4), files.get(5)));
        gated.open(files.get(2));
        readUntil("f2");
        readUntilNoMorePages();
        source.noMoreSourceHandles();
        files.forEach(gated::open);
        readToTheEnd();
        assertThat(read).containsExactlyInAnyOrder("f0", "f1", "f2", "f3", "f4", "f5");
    }

    /**
     * The source's {@code isBlocked()} looks at its readers, then waits on whichever of them it saw: when another
     * thread finished those and started new readers in between (a driver reading, new source handles arriving), it
     * waits on readers no longer its own. Their futures must still complete once the new readers can go on.
     */
    @Test
    void blockedOnReadersTheSourceNoLongerHas()
            throws Exception
    {
        ExchangeSourceFile first = file(0, "first");
        ExchangeSourceFile second = file(1, "second");
        ExchangeSourceFile secondNext = file(2, "second-next");
        source.addSourceHandles(handles(first));
        source.addSourceHandles(handles(second, secondNext));
        gated.open(first);
        readUntil("first");
        readUntilNoMorePages();
        // the source's last wait ends with a page of the second reader, which then waits for its next file
        gated.open(second);
        readUntil("second");
        assertThat(source.read()).as("the end of the second reader's first file").isNull();

        ExchangeSourceFile third = file(3, "third");
        AtomicReference<CompletableFuture<Void>> staleBlocked = new AtomicReference<>();
        Thread driver = new Thread(() -> staleBlocked.set(source.isBlocked()));
        synchronized (source) {
            driver.start();
            // it has seen both readers blocked and waits for the source's lock to wait on them
            while (driver.getState() != Thread.State.BLOCKED && driver.isAlive()) {
                Thread.onSpinWait();
            }
            assertThat(driver.getState()).isEqualTo(Thread.State.BLOCKED);

            // meanwhile, another driver reads the second reader to its end, and a new file arrives
            gated.open(secondNext);
            readUntil("second-next");
            readUntilNoMorePages();
            source.addSourceHandles(handles(third));
        }
        driver.join();
        assertThat(staleBlocked.get()).isNotNull();

        gated.open(third);
        assertThat(staleBlocked.get()).as("blocked on readers the source no longer has, with every storage read let through").isDone();
        source.noMoreSourceHandles();
        readToTheEnd();
        assertThat(read).containsExactly("first", "second", "second-next", "third");
    }

    private ExchangeSourceFile file(int partition, String text)
    {
        ExchangeSourceFile file = gated.file(text);
        return new ExchangeSourceFile(file.getFileUri(), file.getFileSize(), EXCHANGE, partition, 0);
    }

    private static List<ExchangeSourceHandle> handles(ExchangeSourceFile... files)
    {
        List<FileSystemExchangeSourceHandle.SourceFile> sourceFiles = new ArrayList<>();
        for (ExchangeSourceFile file : files) {
            sourceFiles.add(new FileSystemExchangeSourceHandle.SourceFile(file.getFileUri().toString(), file.getFileSize(), file.getSourceTaskPartitionId(), 0));
        }
        return List.of(new FileSystemExchangeSourceHandle(EXCHANGE, 0, sourceFiles));
    }

    /** Reads while the source is not blocked, until it hands out {@code page}. */
    private void readUntil(String page)
    {
        for (int i = 0; i < MAX_READS; i++) {
            assertThat(source.isBlocked()).as("blocked before reading %s", page).isDone();
            Slice data = source.read();
            if (data != null) {
                read.add(data.toStringUtf8());
                if (data.toStringUtf8().equals(page)) {
                    return;
                }
            }
        }
        throw new AssertionError("no page " + page + " after " + MAX_READS + " reads; read " + read);
    }

    /** Reads while the source is not blocked and has no page, so that a reader that gave its last page finishes. */
    private void readUntilNoMorePages()
    {
        for (int i = 0; i < MAX_READS && source.isBlocked().isDone() && !source.isFinished(); i++) {
            Slice data = source.read();
            if (data != null) {
                read.add(data.toStringUtf8());
            }
        }
    }

    /** With every storage read let through, the source must never be blocked and must reach its end. */
    private void readToTheEnd()
    {
        for (int i = 0; i < MAX_READS && !source.isFinished(); i++) {
            assertThat(source.isBlocked()).as("blocked with every storage read let through, read " + read).isDone();
            Slice data = source.read();
            if (data != null) {
                read.add(data.toStringUtf8());
            }
        }
        assertThat(source.isFinished()).as("finished after reading " + read).isTrue();
    }
}
