package io.trinospot.exchange;

import io.trino.spi.QueryId;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSinkHandle;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The defect: a worker (which never creates exchanges) swept the coordinator's live spool data away. */
class TestOrphanCleanerWorker
{
    @Test
    void workerDeletesNothing()
            throws Exception
    {
        Path base = Files.createTempDirectory("spot-orphan-worker");
        Map<String, String> config = Map.of(
                "exchange.base-directories", base.toUri().toString(),
                "exchange.orphan-cleanup.min-age", "1m");
        ExchangeManager coordinator = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
        SpotExchangeManager worker = (SpotExchangeManager) SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
        try {
            // A query that started long ago and still runs.
            QueryId queryId = SpiDriver.queryId("20200101_000000", 1);
            Exchange exchange = SpiDriver.exchange(coordinator, queryId, 1);
            ExchangeSinkHandle sink = exchange.addSink(0);
            exchange.noMoreSinks();
            SpiDriver.write(worker, SpiDriver.instantiate(exchange, sink, 0), List.of(SpiDriver.Page.of(0, "live")), true);
            List<Path> before = files(base);
            assertThat(before).anyMatch(path -> path.toString().contains(queryId.getId()));

            // Only the node that creates exchanges sweeps; an explicit sweep on the worker still deletes nothing.
            assertThat(worker.orphanCleaner().isStarted()).isFalse();
            assertThat(((SpotExchangeManager) coordinator).orphanCleaner().isStarted()).isTrue();
            assertThat(worker.orphanCleaner().runOnce()).isEmpty();
            assertThat(files(base)).containsAll(before);
            exchange.close();
        }
        finally {
            worker.shutdown();
            coordinator.shutdown();
        }
    }

    private static List<Path> files(Path base)
            throws Exception
    {
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
