package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.bootstrap.LifeCycleManager;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeConfig;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeManager;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStats;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.spi.QueryId;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeContext;
import io.trino.spi.exchange.ExchangeId;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeManagerContext;
import io.trino.spi.exchange.ExchangeManagerFactory;
import io.trino.spi.exchange.ExchangeSink;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSinkInstanceHandle;
import io.trino.spi.exchange.ExchangeSource;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trino.spi.exchange.ExchangeSourceOutputSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Drives an exchange manager through the SPI the way Trino's scheduler and tasks do, without a server. */
final class SpiDriver
{
    private SpiDriver() {}

    static ExchangeManager create(ExchangeManagerFactory factory, Map<String, String> config)
    {
        return factory.create(config, new ExchangeManagerContext()
        {
            @Override
            public OpenTelemetry getOpenTelemetry()
            {
                return OpenTelemetry.noop();
            }

            @Override
            public Tracer getTracer()
            {
                return OpenTelemetry.noop().getTracer("test");
            }
        });
    }

    /** Trino's filesystem exchange over a storage given as is, for a scheme Trino's own factory does not know (HDFS). */
    static ExchangeManager overStorage(FileSystemExchangeStorage storage, String baseDirectories)
    {
        LifeCycleManager lifeCycleManager = new Bootstrap().doNotInitializeLogging().initialize().getInstance(LifeCycleManager.class);
        FileSystemExchangeConfig config = new FileSystemExchangeConfig().setBaseDirectories(baseDirectories);
        return new FileSystemExchangeManager(lifeCycleManager, storage, new FileSystemExchangeStats(), config, OpenTelemetry.noop().getTracer("test"));
    }

    record Context(QueryId queryId, ExchangeId exchangeId)
            implements ExchangeContext
    {
        @Override
        public QueryId getQueryId()
        {
            return queryId;
        }

        @Override
        public ExchangeId getExchangeId()
        {
            return exchangeId;
        }

        @Override
        public Span getParentSpan()
        {
            return Span.getInvalid();
        }
    }

    /** A query id as Trino makes them: creation time first. */
    static QueryId queryId(String timestamp, int sequence)
    {
        return new QueryId(timestamp + "_" + String.format("%05d", sequence) + "_abcde");
    }

    static Exchange exchange(ExchangeManager manager, QueryId queryId, int outputPartitions)
    {
        return manager.createExchange(new Context(queryId, ExchangeId.createRandomExchangeId()), outputPartitions, false);
    }

    static ExchangeSinkInstanceHandle instantiate(Exchange exchange, ExchangeSinkHandle handle, int attempt)
            throws Exception
    {
        return exchange.instantiateSink(handle, attempt).get(1, TimeUnit.MINUTES);
    }

    /** Writes pages to a sink; {@code finish} false aborts it at the end instead, like a failed task. */
    static void write(ExchangeManager manager, ExchangeSinkInstanceHandle handle, List<Page> pages, boolean finish)
            throws Exception
    {
        ExchangeSink sink = manager.createSink(handle);
        for (Page page : pages) {
            sink.isBlocked().get(1, TimeUnit.MINUTES);
            sink.add(page.partition(), page.data());
        }
        if (finish) {
            sink.finish().get(1, TimeUnit.MINUTES);
        }
        else {
            sink.abort().get(1, TimeUnit.MINUTES);
        }
    }

    static List<ExchangeSourceHandle> sourceHandles(Exchange exchange)
            throws Exception
    {
        return exchange.getSourceHandles().getNextBatch().get(1, TimeUnit.MINUTES).handles();
    }

    /**
     * The final output selector Trino's scheduler sends once every source task finished: for each task partition
     * (sink) exactly the attempt that committed first.
     */
    static ExchangeSourceOutputSelector selector(Exchange exchange, Map<Integer, Integer> committedAttempts)
    {
        ExchangeSourceOutputSelector.Builder builder = ExchangeSourceOutputSelector.builder(Set.of(exchange.getId()));
        committedAttempts.forEach((task, attempt) -> builder.include(exchange.getId(), task, attempt));
        builder.setPartitionCount(exchange.getId(), committedAttempts.size());
        return builder.setFinal().build();
    }

    /** Reads everything the handles name, filtered by the selector like a Trino task reads its input. */
    static List<Slice> read(ExchangeManager manager, List<ExchangeSourceHandle> handles, ExchangeSourceOutputSelector selector)
            throws Exception
    {
        List<Slice> result = new ArrayList<>();
        try (ExchangeSource source = manager.createSource()) {
            source.addSourceHandles(handles);
            source.noMoreSourceHandles();
            source.setOutputSelector(selector);
            while (!source.isFinished()) {
                source.isBlocked().get(1, TimeUnit.MINUTES);
                Slice slice = source.read();
                if (slice != null) {
                    result.add(Slices.wrappedBuffer(slice.getBytes()));
                }
            }
        }
        return result;
    }

    /**
     * Reads everything the handles name like {@link #read}, keeping nothing: the number of bytes of the pages. For
     * throughput, where copying and holding every page would cost the reading JVM more than the exchange does.
     */
    static long readBytes(ExchangeManager manager, List<ExchangeSourceHandle> handles, ExchangeSourceOutputSelector selector)
            throws Exception
    {
        long bytes = 0;
        try (ExchangeSource source = manager.createSource()) {
            source.addSourceHandles(handles);
            source.noMoreSourceHandles();
            source.setOutputSelector(selector);
            while (!source.isFinished()) {
                source.isBlocked().get(1, TimeUnit.MINUTES);
                Slice slice = source.read();
                if (slice != null) {
                    bytes += slice.length();
                }
            }
        }
        return bytes;
    }

    record Page(int partition, Slice data)
    {
        static Page of(int partition, String text)
        {
            return new Page(partition, Slices.utf8Slice(text));
        }
    }
}
