package io.trinospot.exchange;

import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.util.concurrent.atomic.AtomicLong;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

/** Storage-level counters for every scheme, exported through JMX like Trino's plugins do. */
public class SpotExchangeStats
{
    private final CounterStat bytesWritten = new CounterStat();
    private final CounterStat filesWritten = new CounterStat();
    private final CounterStat bytesRead = new CounterStat();
    private final CounterStat filesRequestedForRead = new CounterStat();
    private final CounterStat writeErrors = new CounterStat();
    private final CounterStat readErrors = new CounterStat();
    private final CounterStat corruptSpoolFiles = new CounterStat();
    private final CounterStat metadataErrors = new CounterStat();
    private final CounterStat abortedFiles = new CounterStat();
    private final CounterStat orphanDirectoriesDeleted = new CounterStat();
    private final CounterStat orphanDirectoriesDeletedQueryEnded = new CounterStat();
    private final CounterStat orphanDirectoriesDeletedOwnerStale = new CounterStat();
    private final CounterStat orphanDirectoriesSkippedLiveOwner = new CounterStat();
    private final CounterStat orphanDirectoriesSkippedUnmarked = new CounterStat();
    private final CounterStat orphanOwnersExpired = new CounterStat();
    private final TimeStat writeLatency = new TimeStat(MILLISECONDS);
    private final TimeStat finishLatency = new TimeStat(MILLISECONDS);
    private final TimeStat listLatency = new TimeStat(MILLISECONDS);
    private final TimeStat deleteLatency = new TimeStat(MILLISECONDS);
    private final AtomicLong activeQueries = new AtomicLong();

    @Managed
    @Nested
    public CounterStat getBytesWritten()
    {
        return bytesWritten;
    }

    @Managed
    @Nested
    public CounterStat getFilesWritten()
    {
        return filesWritten;
    }

    @Managed
    @Nested
    public CounterStat getBytesRead()
    {
        return bytesRead;
    }

    @Managed
    @Nested
    public CounterStat getFilesRequestedForRead()
    {
        return filesRequestedForRead;
    }

    @Managed
    @Nested
    public CounterStat getWriteErrors()
    {
        return writeErrors;
    }

    @Managed
    @Nested
    public CounterStat getReadErrors()
    {
        return readErrors;
    }

    /** Reads that found a spool file damaged: a checksum mismatch, lost frames, a missing END frame, a wrong size. */
    @Managed
    @Nested
    public CounterStat getCorruptSpoolFiles()
    {
        return corruptSpoolFiles;
    }

    @Managed
    @Nested
    public CounterStat getMetadataErrors()
    {
        return metadataErrors;
    }

    @Managed
    @Nested
    public CounterStat getAbortedFiles()
    {
        return abortedFiles;
    }

    @Managed
    @Nested
    public CounterStat getOrphanDirectoriesDeleted()
    {
        return orphanDirectoriesDeleted;
    }

    /** Own directories of queries this coordinator no longer runs. */
    @Managed
    @Nested
    public CounterStat getOrphanDirectoriesDeletedQueryEnded()
    {
        return orphanDirectoriesDeletedQueryEnded;
    }

    /** Directories of another coordinator whose lease did not change for longer than min-age. */
    @Managed
    @Nested
    public CounterStat getOrphanDirectoriesDeletedOwnerStale()
    {
        return orphanDirectoriesDeletedOwnerStale;
    }

    /** Counted once per sweep that leaves them alone. */
    @Managed
    @Nested
    public CounterStat getOrphanDirectoriesSkippedLiveOwner()
    {
        return orphanDirectoriesSkippedLiveOwner;
    }

    /** Sink directories without an owner marker, counted once per sweep that leaves them alone. */
    @Managed
    @Nested
    public CounterStat getOrphanDirectoriesSkippedUnmarked()
    {
        return orphanDirectoriesSkippedUnmarked;
    }

    /** Coordinators whose lease went stale and whose markers and lease were removed. */
    @Managed
    @Nested
    public CounterStat getOrphanOwnersExpired()
    {
        return orphanOwnersExpired;
    }

    @Managed
    @Nested
    public TimeStat getWriteLatency()
    {
        return writeLatency;
    }

    @Managed
    @Nested
    public TimeStat getFinishLatency()
    {
        return finishLatency;
    }

    @Managed
    @Nested
    public TimeStat getListLatency()
    {
        return listLatency;
    }

    @Managed
    @Nested
    public TimeStat getDeleteLatency()
    {
        return deleteLatency;
    }

    @Managed
    public long getActiveQueries()
    {
        return activeQueries.get();
    }

    void setActiveQueries(long count)
    {
        activeQueries.set(count);
    }
}
