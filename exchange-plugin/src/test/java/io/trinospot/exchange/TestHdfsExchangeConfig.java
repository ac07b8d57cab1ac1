package io.trinospot.exchange;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class TestHdfsExchangeConfig
{
    @Test
    void defaultsAreTheDocumentedOnes()
    {
        assertRecordedDefaults(recordDefaults(HdfsExchangeConfig.class)
                .setReplication(null)
                .setBlockSize(null)
                .setWriteBufferSize(DataSize.of(1, MEGABYTE))
                .setReadBufferSize(DataSize.of(4, MEGABYTE))
                .setIoBufferSize(DataSize.of(128, KILOBYTE))
                .setIoThreads(32)
                .setReadThreads(32)
                .setPacketSize(DataSize.of(64, KILOBYTE))
                .setMaxPacketsInFlight(80)
                .setCloseRetryInitialDelay(new Duration(20, MILLISECONDS)));
    }

    @Test
    void everyKeyMapsToItsProperty()
    {
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("exchange.hdfs.replication", "2")
                .put("exchange.hdfs.block-size", "64MB")
                .put("exchange.hdfs.write-buffer-size", "2MB")
                .put("exchange.hdfs.read-buffer-size", "8MB")
                .put("exchange.hdfs.io-buffer-size", "256kB")
                .put("exchange.hdfs.io-threads", "16")
                .put("exchange.hdfs.read-threads", "8")
                .put("exchange.hdfs.packet-size", "1MB")
                .put("exchange.hdfs.max-packets-in-flight", "10")
                .put("exchange.hdfs.close-retry-initial-delay", "5ms")
                .buildOrThrow();
        assertFullMapping(properties, new HdfsExchangeConfig()
                .setReplication(2)
                .setBlockSize(DataSize.of(64, MEGABYTE))
                .setWriteBufferSize(DataSize.of(2, MEGABYTE))
                .setReadBufferSize(DataSize.of(8, MEGABYTE))
                .setIoBufferSize(DataSize.of(256, KILOBYTE))
                .setIoThreads(16)
                .setReadThreads(8)
                .setPacketSize(DataSize.of(1, MEGABYTE))
                .setMaxPacketsInFlight(10)
                .setCloseRetryInitialDelay(new Duration(5, MILLISECONDS)));
    }

    @Test
    void closeRetriesNeverWaitLessInTotalThanTheHdfsClientDefault()
    {
        // Hadoop: 400ms, doubling, 5 retries
        assertThat(HdfsExchangeStorage.closeRetries(400)).isEqualTo(5);
        assertThat(HdfsExchangeStorage.closeRetries(10_000)).isEqualTo(5);
        // 20ms: 20 * (2^10 - 1) = 20.5s >= 12.4s, while 9 retries would give only 10.2s
        assertThat(HdfsExchangeStorage.closeRetries(20)).isEqualTo(10);
        for (long delay = 1; delay <= 10_000; delay++) {
            int retries = HdfsExchangeStorage.closeRetries(delay);
            assertThat(delay * ((1L << retries) - 1)).as("total wait with %s ms", delay).isGreaterThanOrEqualTo(400 * 31);
            if (retries > 5) {
                // and not more than needed
                assertThat(delay * ((1L << (retries - 1)) - 1)).isLessThan(400 * 31);
            }
        }
    }
}
