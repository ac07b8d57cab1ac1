package io.trinospot.exchange;

import com.google.common.base.Ticker;
import io.trino.spi.QueryId;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trinospot.harness.logging.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orphan cleanup on a real local directory with a ticker the test moves: running queries survive whatever their
 * age, coordinators sharing a directory leave each other alone until one's lease goes stale.
 */
class TestOrphanCleaner
{
    private static final String OLD = "20200101_000000";

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = new Ticker()
    {
        @Override
        public long read()
        {
            return nanos.get();
        }
    };
    private final List<SpotExchangeManager> managers = new ArrayList<>();
    private LogCapture log;
    private Path base;

    @BeforeEach
    void setUp()
            throws Exception
    {
        base = Files.createTempDirectory("spot-orphans");
        log = new LogCapture(OrphanCleaner.class);
    }

    @AfterEach
    void tearDown()
    {
        log.close();
        managers.forEach(SpotExchangeManager::shutdown);
    }

    @Test
    void runningQueryOlderThanMinAgeIsKept()
            throws Exception
    {
        SpotExchangeManager coordinator = coordinator();
        QueryId query = SpiDriver.queryId(OLD, 1);
        Exchange exchange = writeOne(coordinator, query);
        List<Path> spooled = files(query);
        assertThat(spooled).isNotEmpty();

        for (int day = 0; day < 400; day++) {
            advance(1, TimeUnit.DAYS);
            assertThat(coordinator.orphanCleaner().runOnce()).isEmpty();
        }
        assertThat(files(query)).containsExactlyInAnyOrderElementsOf(spooled);

        // Once the query ended, what Trino's own delete missed (a late attempt's file) goes at the next sweep.
        exchange.close();
        Path straggler = base.resolve("0a1b2c." + query + "." + exchange.getId().getId() + ".0/0_1.data");
        Files.createDirectories(straggler.getParent());
        Files.writeString(straggler, "late");
        assertThat(coordinator.orphanCleaner().runOnce()).singleElement().asString().contains(straggler.getParent().getFileName().toString());
        assertThat(files(query)).isEmpty();
        assertThat(coordinator.stats().getOrphanDirectoriesDeletedQueryEnded().getTotalCount()).isEqualTo(1);
        assertThat(ownerFiles(coordinator)).noneMatch(name -> name.startsWith("exchange."));
    }

    @Test
    void coordinatorsSharingABaseDirectoryLeaveEachOtherAloneUntilALeaseGoesStale()
            throws Exception
    {
        SpotExchangeManager first = coordinator();
        SpotExchangeManager second = coordinator();
        QueryId firstQuery = SpiDriver.queryId(OLD, 1);
        QueryId secondQuery = SpiDriver.queryId(OLD, 2);
        writeOne(first, firstQuery);
        writeOne(second, secondQuery);
        List<Path> firstFiles = files(firstQuery);
        List<Path> secondFiles = files(secondQuery);

        // Both alive for a long time: each refreshes its lease more often than min-age, nothing is deleted.
        for (int i = 0; i < 100; i++) {
            advance(20, TimeUnit.SECONDS);
            first.orphanCleaner().refreshLease();
            second.orphanCleaner().refreshLease();
            assertThat(first.orphanCleaner().runOnce()).isEmpty();
            assertThat(second.orphanCleaner().runOnce()).isEmpty();
        }
        assertThat(files(firstQuery)).containsExactlyInAnyOrderElementsOf(firstFiles);
        assertThat(files(secondQuery)).containsExactlyInAnyOrderElementsOf(secondFiles);
        assertThat(first.stats().getOrphanDirectoriesSkippedLiveOwner().getTotalCount()).isEqualTo(100);

        // The second coordinator dies: its lease stops changing. Not stale at min-age, stale just past it.
        String secondOwner = second.orphanCleaner().ownerId();
        second.shutdown();
        advance(60, TimeUnit.SECONDS);
        first.orphanCleaner().refreshLease();
        assertThat(first.orphanCleaner().runOnce()).isEmpty();
        assertThat(files(secondQuery)).containsExactlyInAnyOrderElementsOf(secondFiles);

        advance(1, TimeUnit.SECONDS);
        assertThat(first.orphanCleaner().runOnce()).hasSize(1).allMatch(uri -> uri.toString().contains(secondQuery.getId()));
        assertThat(files(secondQuery)).isEmpty();
        assertThat(base.resolve(OrphanCleaner.OWNERS_DIRECTORY).resolve(secondOwner)).doesNotExist();
        assertThat(files(firstQuery)).containsExactlyInAnyOrderElementsOf(firstFiles);
        assertThat(first.stats().getOrphanDirectoriesDeletedOwnerStale().getTotalCount()).isEqualTo(1);
        assertThat(first.stats().getOrphanOwnersExpired().getTotalCount()).isEqualTo(1);
    }

    @Test
    void restartedCoordinatorRemovesItsPreviousIncarnationsDeadQueriesAfterMinAge()
            throws Exception
    {
        SpotExchangeManager before = coordinator();
        QueryId dead = SpiDriver.queryId(OLD, 1);
        writeOne(before, dead);
        before.shutdown();

        SpotExchangeManager after = coordinator();
        // Started after the restart, and (by its id) even older than the dead one.
        QueryId started = SpiDriver.queryId("20190101_000000", 1);
        writeOne(after, started);
        List<Path> startedFiles = files(started);

        assertThat(after.orphanCleaner().runOnce()).isEmpty();
        advance(30, TimeUnit.SECONDS);
        after.orphanCleaner().refreshLease();
        assertThat(after.orphanCleaner().runOnce()).isEmpty();
        assertThat(files(dead)).isNotEmpty();

        advance(31, TimeUnit.SECONDS);
        assertThat(after.orphanCleaner().runOnce()).hasSize(1).allMatch(uri -> uri.toString().contains(dead.getId()));
        assertThat(files(dead)).isEmpty();
        assertThat(files(started)).containsExactlyInAnyOrderElementsOf(startedFiles);
        assertThat(ownerFiles(after)).anyMatch(name -> name.startsWith("exchange." + started.getId()));
    }

    @Test
    void countsAndLogSayWhatWasRemovedAndWhy()
            throws Exception
    {
        SpotExchangeManager live = coordinator();
        SpotExchangeManager other = coordinator();
        SpotExchangeManager dead = coordinator();
        QueryId ended = SpiDriver.queryId(OLD, 1);
        writeOne(other, SpiDriver.queryId(OLD, 2));
        writeOne(other, SpiDriver.queryId(OLD, 3));
        writeOne(dead, SpiDriver.queryId(OLD, 4));
        // Not marked by anyone (an older plugin version, Trino's filesystem exchange): never touched.
        Path unmarked = Files.createDirectories(base.resolve("0b." + SpiDriver.queryId(OLD, 5) + ".legacy.0")).resolve("0_0.data");
        Files.writeString(unmarked, "legacy");
        dead.shutdown();
        live.orphanCleaner().runOnce();

        // An exchange of an ended query whose late attempt wrote after Trino deleted the exchange's directories.
        Exchange late = SpiDriver.exchange(live, ended, 1);
        late.close();
        Path straggler = Files.createDirectories(base.resolve("0a." + ended + "." + late.getId().getId() + ".0")).resolve("0_0.data");
        Files.writeString(straggler, "late");
        advance(61, TimeUnit.SECONDS);
        other.orphanCleaner().refreshLease();
        List<URI> deleted = live.orphanCleaner().runOnce();

        assertThat(deleted).hasSize(2);
        assertThat(unmarked).exists();
        SpotExchangeStats stats = live.stats();
        assertThat(stats.getOrphanDirectoriesDeleted().getTotalCount()).isEqualTo(2);
        assertThat(stats.getOrphanDirectoriesDeletedQueryEnded().getTotalCount()).isEqualTo(1);
        assertThat(stats.getOrphanDirectoriesDeletedOwnerStale().getTotalCount()).isEqualTo(1);
        assertThat(stats.getOrphanOwnersExpired().getTotalCount()).isEqualTo(1);
        // Two sweeps, each skipping the other coordinator's two directories and the unmarked one, the first also the dead one's.
        assertThat(stats.getOrphanDirectoriesSkippedLiveOwner().getTotalCount()).isEqualTo(5);
        assertThat(stats.getOrphanDirectoriesSkippedUnmarked().getTotalCount()).isEqualTo(2);
        assertThat(log.texts()).anyMatch(message -> message.contains("deleted 1 directories of queries this coordinator no longer runs, "
                + "1 directories of owners [" + dead.orphanCleaner().ownerId() + "] whose lease did not change for over 1.00m; "
                + "skipped 2 directories of live owners [" + other.orphanCleaner().ownerId() + "] and 1 without an owner marker"));
    }

    private SpotExchangeManager coordinator()
    {
        SpotExchangeManager manager = (SpotExchangeManager) SpiDriver.create(new SpotExchangeManagerFactory(Map.of(), ticker), Map.of(
                "exchange.base-directories", base.toUri().toString(),
                "exchange.orphan-cleanup.min-age", "1m"));
        managers.add(manager);
        return manager;
    }

    private void advance(long amount, TimeUnit unit)
    {
        nanos.addAndGet(unit.toNanos(amount));
    }

    /** Creates an exchange (left open: the query runs) and spools one page through it. */
    private static Exchange writeOne(SpotExchangeManager manager, QueryId queryId)
            throws Exception
    {
        Exchange exchange = SpiDriver.exchange(manager, queryId, 1);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), List.of(SpiDriver.Page.of(0, "row of " + queryId)), true);
        return exchange;
    }

    private List<Path> files(QueryId queryId)
            throws Exception
    {
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile)
                    .filter(path -> !base.relativize(path).startsWith(OrphanCleaner.OWNERS_DIRECTORY))
                    .filter(path -> path.toString().contains("." + queryId.getId() + "."))
                    .toList();
        }
    }

    private List<String> ownerFiles(SpotExchangeManager manager)
            throws Exception
    {
        try (Stream<Path> files = Files.list(base.resolve(OrphanCleaner.OWNERS_DIRECTORY).resolve(manager.orphanCleaner().ownerId()))) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }
}
