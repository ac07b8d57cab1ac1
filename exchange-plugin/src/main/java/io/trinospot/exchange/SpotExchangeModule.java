package io.trinospot.exchange;

import com.google.common.base.Ticker;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import io.airlift.bootstrap.LifeCycleManager;
import io.airlift.configuration.AbstractConfigurationAwareModule;
import io.opentelemetry.api.trace.Tracer;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeConfig;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeManager;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStats;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.azure.AzureBlobFileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.azure.ExchangeAzureConfig;
import io.trino.plugin.exchange.filesystem.local.LocalFileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.s3.ExchangeS3Config;
import io.trino.plugin.exchange.filesystem.s3.S3FileSystemExchangeStorage;
import io.trino.plugin.exchange.filesystem.s3.S3FileSystemExchangeStorageStats;
import org.apache.hadoop.conf.Configuration;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static io.airlift.configuration.ConfigBinder.configBinder;
import static java.lang.Math.toIntExact;
import static java.util.Objects.requireNonNull;
import static org.weakref.jmx.guice.ExportBinder.newExporter;

/**
 * Picks the storage from the scheme of the (resolved) base directories and wires Trino's exchange manager over it.
 * Configuration mistakes become one binder error each, naming the key.
 */
public class SpotExchangeModule
        extends AbstractConfigurationAwareModule
{
    private final Map<String, String> environment;
    private final Ticker ticker;

    public SpotExchangeModule(Map<String, String> environment, Ticker ticker)
    {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    @Override
    protected void setup(Binder binder)
    {
        FileSystemExchangeConfig exchangeConfig = buildConfigObject(FileSystemExchangeConfig.class);
        SpotExchangeConfig spotConfig = buildConfigObject(SpotExchangeConfig.class);

        binder.bind(SpotExchangeStats.class).in(Scopes.SINGLETON);
        newExporter(binder).export(SpotExchangeStats.class).withGeneratedName();
        binder.bind(FileSystemExchangeStats.class).in(Scopes.SINGLETON);
        newExporter(binder).export(FileSystemExchangeStats.class).withGeneratedName();
        binder.bind(ActiveQueries.class).in(Scopes.SINGLETON);

        // The Hadoop configuration is read at most once, and only if HDFS is involved.
        HadoopConfigurationLoader.Sources[] sources = new HadoopConfigurationLoader.Sources[1];
        Configuration[] hadoop = new Configuration[1];
        BaseDirectories baseDirectories;
        try {
            baseDirectories = BaseDirectories.resolve(
                    Optional.ofNullable(exchangeConfig.getBaseDirectories()).orElse(java.util.List.of()),
                    spotConfig.isUseLocalHdfs(),
                    () -> {
                        sources[0] = HadoopConfigurationLoader.sources(spotConfig.getHdfsConfigResources(), environment);
                        hadoop[0] = HadoopConfigurationLoader.load(sources[0]);
                        return Optional.ofNullable(hadoop[0].get("fs.defaultFS")).map(URI::create);
                    },
                    () -> sources[0] == null ? "the Hadoop configuration" : sources[0].origin());
            if (baseDirectories.kind() == BaseDirectories.StorageKind.HDFS && hadoop[0] == null) {
                sources[0] = HadoopConfigurationLoader.sources(spotConfig.getHdfsConfigResources(), environment);
                hadoop[0] = HadoopConfigurationLoader.load(sources[0]);
            }
        }
        catch (IllegalArgumentException e) {
            binder.addError(e.getMessage());
            return;
        }
        binder.bind(BaseDirectories.class).toInstance(baseDirectories);

        switch (baseDirectories.kind()) {
            case HDFS -> {
                configBinder(binder).bindConfig(HdfsExchangeConfig.class);
                binder.bind(HdfsConfiguration.class).toInstance(new HdfsConfiguration(hadoop[0]));
                binder.bind(HdfsExchangeStorage.class).in(Scopes.SINGLETON);
                binder.bind(FileSystemExchangeStorage.class).annotatedWith(ForRawStorage.class).to(HdfsExchangeStorage.class);
                newExporter(binder).export(HdfsExchangeStorage.class).withGeneratedName();
            }
            case S3, GCS -> {
                binder.bind(S3FileSystemExchangeStorageStats.class).in(Scopes.SINGLETON);
                newExporter(binder).export(S3FileSystemExchangeStorageStats.class).withGeneratedName();
                ExchangeS3Config s3Config = buildConfigObject(ExchangeS3Config.class);
                if (s3Config.getS3MaxErrorRetries() < 1) {
                    // Trino accepts 0 but gives the AWS SDK this as its attempts per request, which it refuses only on
                    // the first spool request: every write and read would fail, naming no key.
                    binder.addError("exchange.s3.max-error-retries must be at least 1: it is the number of attempts per S3 request, the first one included");
                    return;
                }
                binder.bind(S3FileSystemExchangeStorage.CompatibilityMode.class).toInstance(baseDirectories.kind() == BaseDirectories.StorageKind.GCS
                        ? S3FileSystemExchangeStorage.CompatibilityMode.GCP
                        : S3FileSystemExchangeStorage.CompatibilityMode.AWS);
                binder.bind(FileSystemExchangeStorage.class).annotatedWith(ForRawStorage.class).to(S3FileSystemExchangeStorage.class).in(Scopes.SINGLETON);
            }
            case AZURE -> {
                configBinder(binder).bindConfig(ExchangeAzureConfig.class);
                binder.bind(FileSystemExchangeStorage.class).annotatedWith(ForRawStorage.class).to(AzureBlobFileSystemExchangeStorage.class).in(Scopes.SINGLETON);
            }
            case LOCAL -> binder.bind(FileSystemExchangeStorage.class).annotatedWith(ForRawStorage.class).to(LocalFileSystemExchangeStorage.class).in(Scopes.SINGLETON);
        }
    }

    @Provides
    @Singleton
    public static FileSystemExchangeStorage storage(@ForRawStorage FileSystemExchangeStorage storage, SpotExchangeStats stats, FileSystemExchangeConfig config)
    {
        // Counted outside the checksums: bytes as the sink wrote them, a damaged file as a read error.
        int maxPageStorageSize = toIntExact(config.getMaxPageStorageSize().toBytes());
        return new InstrumentedExchangeStorage(new ChecksummedExchangeStorage(storage, maxPageStorageSize, stats), stats);
    }

    @Provides
    @Singleton
    public static FileSystemExchangeManager fileSystemExchangeManager(
            LifeCycleManager lifeCycleManager,
            FileSystemExchangeStorage storage,
            FileSystemExchangeStats stats,
            FileSystemExchangeConfig config,
            BaseDirectories baseDirectories,
            Tracer tracer)
    {
        // Trino's exchange sees the resolved directories (e.g. /exchange -> hdfs://namenode:8020/exchange/).
        config.setBaseDirectories(baseDirectories.asConfigValue());
        return new FileSystemExchangeManager(lifeCycleManager, storage, stats, config, tracer);
    }

    @Provides
    @Singleton
    public OrphanCleaner orphanCleaner(FileSystemExchangeStorage storage, BaseDirectories baseDirectories, ActiveQueries activeQueries, SpotExchangeStats stats, SpotExchangeConfig config)
    {
        return new OrphanCleaner(storage, baseDirectories.directories(), activeQueries, stats, config, ticker);
    }

    @Provides
    @Singleton
    public static SpotExchangeManager spotExchangeManager(FileSystemExchangeManager manager, ActiveQueries activeQueries, SpotExchangeStats stats, OrphanCleaner orphanCleaner)
    {
        return new SpotExchangeManager(manager, activeQueries, stats, orphanCleaner);
    }
}
