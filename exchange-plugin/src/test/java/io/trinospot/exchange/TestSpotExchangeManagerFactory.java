package io.trinospot.exchange;

import io.trino.spi.Plugin;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeManagerFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up validation: every bad property fails creation with a message naming the key. */
class TestSpotExchangeManagerFactory
{
    private static ExchangeManager create(Map<String, String> config)
    {
        return SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
    }

    @Test
    void pluginIsFoundThroughItsServiceDescriptorUnderItsOwnName()
    {
        List<Plugin> plugins = ServiceLoader.load(Plugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(plugins).hasAtLeastOneElementOfType(SpotExchangePlugin.class);
        List<String> names = plugins.stream()
                .filter(SpotExchangePlugin.class::isInstance)
                .flatMap(plugin -> StreamSupport.stream(plugin.getExchangeManagerFactories().spliterator(), false))
                .map(ExchangeManagerFactory::getName)
                .toList();
        assertThat(names).containsExactly("spot");
    }

    @Test
    void localDirectoryWorks()
            throws Exception
    {
        Path dir = Files.createTempDirectory("spot-exchange");
        ExchangeManager manager = create(Map.of("exchange.base-directories", dir.toUri().toString()));
        assertThat(manager).isInstanceOf(SpotExchangeManager.class);
        manager.shutdown();
    }

    @Test
    void missingBaseDirectories()
    {
        assertThatThrownBy(() -> create(Map.of()))
                .hasMessageContaining("exchange.base-directories");
    }

    @Test
    void mixedSchemes()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "s3://bucket/a,file:///tmp/b")))
                .hasMessageContaining("exchange.base-directories mixes storage schemes [file, s3]");
    }

    @Test
    void unknownScheme()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "ftp://host/x")))
                .hasMessageContaining("exchange.base-directories: scheme 'ftp' is not supported");
    }

    @Test
    void useLocalHdfsWithoutConfiguration()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "/exchange", "exchange.use-local-hdfs", "true")))
                .hasMessageContaining("exchange.use-local-hdfs=true needs fs.defaultFS of an HDFS cluster")
                .hasMessageContaining("no hdfs.config.resources and no HADOOP_CONF_DIR");
    }

    @Test
    void missingConfigResource()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "/exchange", "exchange.use-local-hdfs", "true",
                "hdfs.config.resources", "/nonexistent/core-site.xml")))
                .hasMessageContaining("hdfs.config.resources: file does not exist: /nonexistent/core-site.xml");
    }

    @Test
    void badSizes()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.write-buffer-size", "1B")))
                .hasMessageContaining("exchange.hdfs.write-buffer-size");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.block-size", "12kB")))
                .hasMessageContaining("exchange.hdfs.block-size");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.replication", "0")))
                .hasMessageContaining("exchange.hdfs.replication");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.packet-size", "32kB")))
                .hasMessageContaining("exchange.hdfs.packet-size");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.packet-size", "16MB")))
                .hasMessageContaining("exchange.hdfs.packet-size");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.max-packets-in-flight", "1")))
                .hasMessageContaining("exchange.hdfs.max-packets-in-flight");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.close-retry-initial-delay", "0ms")))
                .hasMessageContaining("exchange.hdfs.close-retry-initial-delay");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.close-retry-initial-delay", "1m")))
                .hasMessageContaining("exchange.hdfs.close-retry-initial-delay");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.io-threads", "0")))
                .hasMessageContaining("exchange.hdfs.io-threads");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.read-threads", "0")))
                .hasMessageContaining("exchange.hdfs.read-threads");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "hdfs://127.0.0.1:1/x", "exchange.hdfs.read-threads", "1025")))
                .hasMessageContaining("exchange.hdfs.read-threads");
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "file:///tmp/x", "exchange.orphan-cleanup.min-age", "1s")))
                .hasMessageContaining("exchange.orphan-cleanup.min-age");
    }

    @Test
    void zeroS3AttemptsIsRejectedAtStartUp()
    {
        // Trino accepts 0 and hands it to the AWS SDK as the attempts per request, which refuses it only when the
        // first spool request builds the client: every spool write and read would fail, naming no key.
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "s3://bucket/x", "exchange.s3.region", "us-east-1", "exchange.s3.max-error-retries", "0")))
                .hasMessageContaining("exchange.s3.max-error-retries");
        create(Map.of("exchange.base-directories", "s3://bucket/x", "exchange.s3.region", "us-east-1", "exchange.s3.max-error-retries", "1")).shutdown();
    }

    @Test
    void unknownPropertyIsRejected()
    {
        assertThatThrownBy(() -> create(Map.of("exchange.base-directories", "file:///tmp/x", "exchange.hdfs.no-such-key", "1")))
                .hasMessageContaining("exchange.hdfs.no-such-key");
    }
}
