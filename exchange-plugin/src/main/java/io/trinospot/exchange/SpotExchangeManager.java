package io.trinospot.exchange;

import io.trino.plugin.exchange.filesystem.FileSystemExchangeManager;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeContext;
import io.trino.spi.exchange.ExchangeId;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSink;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSinkInstanceHandle;
import io.trino.spi.exchange.ExchangeSource;
import io.trino.spi.exchange.ExchangeSourceHandleSource;
import io.trino.spi.metrics.Metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Trino's filesystem exchange manager over our storage, plus the bookkeeping orphan cleanup needs: which
 * queries have an open exchange here and an owner marker per exchange. Only a coordinator creates exchanges, so
 * the cleaner starts with the first one and never on a worker.
 */
public final class SpotExchangeManager
        implements ExchangeManager
{
    private final FileSystemExchangeManager delegate;
    private final ActiveQueries activeQueries;
    private final SpotExchangeStats stats;
    private final OrphanCleaner orphanCleaner;

    public SpotExchangeManager(FileSystemExchangeManager delegate, ActiveQueries activeQueries, SpotExchangeStats stats, OrphanCleaner orphanCleaner)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.activeQueries = requireNonNull(activeQueries, "activeQueries is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.orphanCleaner = requireNonNull(orphanCleaner, "orphanCleaner is null");
    }

    public OrphanCleaner orphanCleaner()
    {
        return orphanCleaner;
    }

    SpotExchangeStats stats()
    {
        return stats;
    }

    @Override
    public Exchange createExchange(ExchangeContext context, int outputPartitionCount, boolean preserveOrderWithinPartition)
    {
        String queryId = context.getQueryId().getId();
        // Registered and marked before any directory exists, so cleanup never sees this query's data as ended.
        activeQueries.opened(queryId);
        stats.setActiveQueries(activeQueries.size());
        Exchange exchange;
        try {
            orphanCleaner.exchangeCreated(queryId, context.getExchangeId().getId());
            exchange = delegate.createExchange(context, outputPartitionCount, preserveOrderWithinPartition);
        }
        catch (RuntimeException | Error e) {
            activeQueries.closed(queryId);
            stats.setActiveQueries(activeQueries.size());
            throw e;
        }
        return new TrackedExchange(exchange, queryId);
    }

    @Override
    public ExchangeSink createSink(ExchangeSinkInstanceHandle handle)
    {
        return delegate.createSink(handle);
    }

    @Override
    public ExchangeSource createSource()
    {
        return delegate.createSource();
    }

    @Override
    public boolean supportsConcurrentReadAndWrite()
    {
        return delegate.supportsConcurrentReadAndWrite();
    }

    @Override
    public void shutdown()
    {
        orphanCleaner.stop();
        delegate.shutdown();
    }

    private final class TrackedExchange
            implements Exchange
    {
        private final Exchange exchange;
        private final String queryId;
        private final AtomicBoolean closed = new AtomicBoolean();

        TrackedExchange(Exchange exchange, String queryId)
        {
            this.exchange = exchange;
            this.queryId = queryId;
        }

        @Override
        public ExchangeId getId()
        {
            return exchange.getId();
        }

        @Override
        public ExchangeSinkHandle addSink(int taskPartitionId)
        {
            return exchange.addSink(taskPartitionId);
        }

        @Override
        public void noMoreSinks()
        {
            exchange.noMoreSinks();
        }

        @Override
        public CompletableFuture<ExchangeSinkInstanceHandle> instantiateSink(ExchangeSinkHandle sinkHandle, int taskAttemptId)
        {
            return exchange.instantiateSink(sinkHandle, taskAttemptId);
        }

        @Override
        public CompletableFuture<ExchangeSinkInstanceHandle> updateSinkInstanceHandle(ExchangeSinkHandle sinkHandle, int taskAttemptId)
        {
            return exchange.updateSinkInstanceHandle(sinkHandle, taskAttemptId);
        }

        @Override
        public void sinkFinished(ExchangeSinkHandle sinkHandle, int taskAttemptId)
        {
            exchange.sinkFinished(sinkHandle, taskAttemptId);
        }

        @Override
        public void allRequiredSinksFinished()
        {
            exchange.allRequiredSinksFinished();
        }

        @Override
        public ExchangeSourceHandleSource getSourceHandles()
        {
            return exchange.getSourceHandles();
        }

        @Override
        public void setSourceHandlesDeliveryMode(SourceHandlesDeliveryMode sourceHandlesDeliveryMode)
        {
            exchange.setSourceHandlesDeliveryMode(sourceHandlesDeliveryMode);
        }

        @Override
        public Metrics getMetrics()
        {
            return exchange.getMetrics();
        }

        @Override
        public void close()
        {
            try {
                exchange.close();
            }
            finally {
                if (closed.compareAndSet(false, true)) {
                    activeQueries.closed(queryId);
                    stats.setActiveQueries(activeQueries.size());
                }
            }
        }
    }
}
