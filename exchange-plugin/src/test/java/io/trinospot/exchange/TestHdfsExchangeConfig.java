package io.trinospot.exchange;

import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class TestHdfsExchangeConfig
{
    @Test
    void defaultsAreTheDocumentedOnes()
    {
        HdfsExchangeConfig config = new HdfsExchangeConfig();
        assertThat(config.getReplication()).isNull();
        assertThat(config.getBlockSize()).isNull();
        assertThat(config.getWriteBufferSize()).isEqualTo(DataSize.of(1, MEGABYTE));
        assertThat(config.getReadBufferSize()).isEqualTo(DataSize.of(4, MEGABYTE));
        assertThat(config.getIoBufferSize()).isEqualTo(DataSize.of(128, KILOBYTE));
        assertThat(config.getIoThreads()).isEqualTo(32);
        assertThat(config.getPacketSize()).isEqualTo(DataSize.of(64, KILOBYTE));
        assertThat(config.getMaxPacketsInFlight()).isEqualTo(80);
        assertThat(config.getCloseRetryInitialDelay()).isEqualTo(new Duration(20, MILLISECONDS));
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
