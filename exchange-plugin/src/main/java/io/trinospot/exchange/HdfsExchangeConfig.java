package io.trinospot.exchange;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.airlift.units.MaxDuration;
import io.airlift.units.MinDuration;
import io.airlift.units.MaxDataSize;
import io.airlift.units.MinDataSize;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/** Settings of the HDFS storage ({@code hdfs://} base directories). */
public class HdfsExchangeConfig
{
    private Integer replication;
    private DataSize blockSize;
    private DataSize writeBufferSize = DataSize.of(1, MEGABYTE);
    private DataSize readBufferSize = DataSize.of(4, MEGABYTE);
    private DataSize ioBufferSize = DataSize.of(128, KILOBYTE);
    private int ioThreads = 32;
    private int readThreads = 32;
    private DataSize packetSize = DataSize.of(64, KILOBYTE);
    private int maxPacketsInFlight = 80;
    private Duration closeRetryInitialDelay = new Duration(20, MILLISECONDS);

    // null: the HDFS configuration decides
    @Min(1)
    @Max(Short.MAX_VALUE)
    public Integer getReplication()
    {
        return replication;
    }

    @Config("exchange.hdfs.replication")
    @ConfigDescription("Replication factor of spool files; unset uses dfs.replication of the HDFS configuration")
    public HdfsExchangeConfig setReplication(Integer replication)
    {
        this.replication = replication;
        return this;
    }

    // null: the HDFS configuration decides
    @MinDataSize("1MB")
    @MaxDataSize("2GB")
    public DataSize getBlockSize()
    {
        return blockSize;
    }

    @Config("exchange.hdfs.block-size")
    @ConfigDescription("HDFS block size of spool files; unset uses dfs.blocksize of the HDFS configuration")
    public HdfsExchangeConfig setBlockSize(DataSize blockSize)
    {
        this.blockSize = blockSize;
        return this;
    }

    @NotNull
    @MinDataSize("4kB")
    @MaxDataSize("64MB")
    public DataSize getWriteBufferSize()
    {
        return writeBufferSize;
    }

    @Config("exchange.hdfs.write-buffer-size")
    @ConfigDescription("Data a sink collects per file before handing it to HDFS; a sink holds a few of these per output partition")
    public HdfsExchangeConfig setWriteBufferSize(DataSize writeBufferSize)
    {
        this.writeBufferSize = writeBufferSize;
        return this;
    }

    @NotNull
    @MinDataSize("4kB")
    @MaxDataSize("256MB")
    public DataSize getReadBufferSize()
    {
        return readBufferSize;
    }

    @Config("exchange.hdfs.read-buffer-size")
    @ConfigDescription("Data each reader prefetches from HDFS ahead of Trino")
    public HdfsExchangeConfig setReadBufferSize(DataSize readBufferSize)
    {
        this.readBufferSize = readBufferSize;
        return this;
    }

    @NotNull
    @MinDataSize("4kB")
    @MaxDataSize("16MB")
    public DataSize getIoBufferSize()
    {
        return ioBufferSize;
    }

    @Config("exchange.hdfs.io-buffer-size")
    @ConfigDescription("Buffer size of HDFS input and output streams (io.file.buffer.size)")
    public HdfsExchangeConfig setIoBufferSize(DataSize ioBufferSize)
    {
        this.ioBufferSize = ioBufferSize;
        return this;
    }

    @Min(1)
    @Max(1024)
    public int getIoThreads()
    {
        return ioThreads;
    }

    @Config("exchange.hdfs.io-threads")
    @ConfigDescription("Threads doing every blocking HDFS call but read-ahead (writes, finishing files, listing, deleting); Trino's threads only ever get futures")
    public HdfsExchangeConfig setIoThreads(int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    @Min(1)
    @Max(1024)
    public int getReadThreads()
    {
        return readThreads;
    }

    @Config("exchange.hdfs.read-threads")
    @ConfigDescription("Threads prefetching spool data for readers, apart from exchange.hdfs.io-threads so reads stuck on a DataNode never hold up writes and finishing files, nor the other way round")
    public HdfsExchangeConfig setReadThreads(int readThreads)
    {
        this.readThreads = readThreads;
        return this;
    }

    @NotNull
    @MinDataSize("64kB")
    @MaxDataSize("8MB")
    public DataSize getPacketSize()
    {
        return packetSize;
    }

    @Config("exchange.hdfs.packet-size")
    @ConfigDescription("Size of the packets a spool file is sent to the DataNodes in (dfs.client-write-packet-size for spool files); every packet costs a round of system calls, thread hand-offs and an acknowledgement on client and DataNode")
    public HdfsExchangeConfig setPacketSize(DataSize packetSize)
    {
        this.packetSize = packetSize;
        return this;
    }

    @Min(2)
    @Max(1000)
    public int getMaxPacketsInFlight()
    {
        return maxPacketsInFlight;
    }

    @Config("exchange.hdfs.max-packets-in-flight")
    @ConfigDescription("Packets of one spool file queued or awaiting acknowledgement before writes wait (dfs.client.write.max-packets-in-flight); times exchange.hdfs.packet-size bounds the data the HDFS client holds per open file")
    public HdfsExchangeConfig setMaxPacketsInFlight(int maxPacketsInFlight)
    {
        this.maxPacketsInFlight = maxPacketsInFlight;
        return this;
    }

    @NotNull
    @MinDuration("1ms")
    @MaxDuration("10s")
    public Duration getCloseRetryInitialDelay()
    {
        return closeRetryInitialDelay;
    }

    @Config("exchange.hdfs.close-retry-initial-delay")
    @ConfigDescription("First wait before asking the NameNode again to complete a spool file (or allocate its next block) whose last block the DataNode has not reported yet; doubles per retry, and the retries are raised so the total patience is never below the HDFS client's default (400ms doubling 5 times)")
    public HdfsExchangeConfig setCloseRetryInitialDelay(Duration closeRetryInitialDelay)
    {
        this.closeRetryInitialDelay = closeRetryInitialDelay;
        return this;
    }
}
