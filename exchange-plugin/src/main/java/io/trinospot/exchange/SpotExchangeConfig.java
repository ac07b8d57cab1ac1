package io.trinospot.exchange;

import com.google.common.base.Splitter;
import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.NotNull;

import java.util.List;

import static java.util.concurrent.TimeUnit.HOURS;

/**
 * Settings of the {@code spot} exchange manager beyond Trino's own {@code exchange.*} keys
 * (those stay in {@code FileSystemExchangeConfig} and keep their names and legacy names).
 */
public class SpotExchangeConfig
{
    private boolean useLocalHdfs;
    private List<String> hdfsConfigResources = List.of();
    private boolean orphanCleanupEnabled = true;
    private Duration orphanCleanupMinAge = new Duration(24, HOURS);
    private Duration orphanCleanupInterval = new Duration(1, HOURS);

    public boolean isUseLocalHdfs()
    {
        return useLocalHdfs;
    }

    @Config("exchange.use-local-hdfs")
    @ConfigDescription("Resolve base directories without a scheme (e.g. /exchange) against fs.defaultFS of the cluster's HDFS, like Amazon EMR")
    public SpotExchangeConfig setUseLocalHdfs(boolean useLocalHdfs)
    {
        this.useLocalHdfs = useLocalHdfs;
        return this;
    }

    @NotNull
    public List<String> getHdfsConfigResources()
    {
        return hdfsConfigResources;
    }

    @Config("hdfs.config.resources")
    @ConfigDescription("Comma-separated Hadoop XML files (core-site.xml, hdfs-site.xml); when empty, HADOOP_CONF_DIR is used")
    public SpotExchangeConfig setHdfsConfigResources(String resources)
    {
        this.hdfsConfigResources = resources == null ? List.of() : Splitter.on(',').trimResults().omitEmptyStrings().splitToList(resources);
        return this;
    }

    public boolean isOrphanCleanupEnabled()
    {
        return orphanCleanupEnabled;
    }

    @Config("exchange.orphan-cleanup.enabled")
    @ConfigDescription("On the coordinator, mark spool directories with its owner id and periodically delete those no running query needs")
    public SpotExchangeConfig setOrphanCleanupEnabled(boolean orphanCleanupEnabled)
    {
        this.orphanCleanupEnabled = orphanCleanupEnabled;
        return this;
    }

    @NotNull
    @MinDuration("1m")
    public Duration getOrphanCleanupMinAge()
    {
        return orphanCleanupMinAge;
    }

    @Config("exchange.orphan-cleanup.min-age")
    @ConfigDescription("Another coordinator's spool directories are deleted only after its lease (refreshed every min-age / 4) has not changed for this long")
    public SpotExchangeConfig setOrphanCleanupMinAge(Duration orphanCleanupMinAge)
    {
        this.orphanCleanupMinAge = orphanCleanupMinAge;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getOrphanCleanupInterval()
    {
        return orphanCleanupInterval;
    }

    @Config("exchange.orphan-cleanup.interval")
    @ConfigDescription("How often to look for orphaned spool directories")
    public SpotExchangeConfig setOrphanCleanupInterval(Duration orphanCleanupInterval)
    {
        this.orphanCleanupInterval = orphanCleanupInterval;
        return this;
    }
}
