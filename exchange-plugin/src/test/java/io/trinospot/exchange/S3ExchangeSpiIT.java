package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeManagerFactory;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trinospot.harness.PortAllocator;
import io.trinospot.harness.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static io.trinospot.exchange.SpiDriver.Page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exchange SPI contract on the harness's real S3-API server, through Trino's S3 storage inside our plugin. */
class S3ExchangeSpiIT
        extends AbstractExchangeSpiIT
{
    private static final String BUCKET = "spi-exchange";

    private PortAllocator ports;
    private S3Server s3;
    private ExchangeManager manager;
    private ExchangeManager trinoExchange;

    @BeforeAll
    void start()
    {
        ports = new PortAllocator();
        s3 = StorageServers.startS3(ports, StorageServers.workDir("s3-spi"));
        s3.createBucket(BUCKET);
        manager = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), StorageServers.s3Config(s3, "s3://" + BUCKET + "/a,s3://" + BUCKET + "/b"));
        trinoExchange = SpiDriver.create(new FileSystemExchangeManagerFactory(), StorageServers.s3Config(s3, "s3://" + BUCKET + "/a,s3://" + BUCKET + "/b"));
    }

    @AfterAll
    void stop()
    {
        if (manager != null) {
            manager.shutdown();
        }
        if (trinoExchange != null) {
            trinoExchange.shutdown();
        }
        if (s3 != null) {
            s3.close();
        }
        if (ports != null) {
            ports.close();
        }
    }

    @Override
    protected ExchangeManager manager()
    {
        return manager;
    }

    @Override
    protected List<String> listSpooledFiles()
    {
        try (S3Client client = s3.client()) {
            return client.listObjectsV2Paginator(request -> request.bucket(BUCKET)).contents().stream()
                    .map(S3Object::key)
                    .map(key -> "s3://" + BUCKET + "/" + key)
                    .toList();
        }
    }

    @Override
    protected void deleteFile(String path)
    {
        URI uri = URI.create(path);
        try (S3Client client = s3.client()) {
            client.deleteObject(request -> request.bucket(uri.getHost()).key(uri.getPath().substring(1)));
        }
        assertThat(listSpooledFiles()).doesNotContain(path);
    }

    @Override
    protected byte[] readFile(String path)
    {
        URI uri = URI.create(path);
        try (S3Client client = s3.client()) {
            return client.getObjectAsBytes(request -> request.bucket(uri.getHost()).key(uri.getPath().substring(1))).asByteArray();
        }
    }

    @Override
    protected void replaceFile(String path, byte[] content)
    {
        URI uri = URI.create(path);
        try (S3Client client = s3.client()) {
            client.putObject(request -> request.bucket(uri.getHost()).key(uri.getPath().substring(1)), RequestBody.fromBytes(content));
        }
    }

    @Override
    protected ExchangeManager managerWithoutSpoolChecksums()
    {
        return trinoExchange;
    }

    @Test
    void multipartSpoolFileRoundTripsAndABitFlipInALaterPartFailsTheRead()
            throws Exception
    {
        // About 20 MB into one file: uploaded in parts of exchange.s3.upload.part-size (5 MB), the last one short.
        Exchange exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, 50), 1);
        ExchangeSinkHandle sink = exchange.addSink(0);
        exchange.noMoreSinks();
        List<Page> pages = pages(1, 2500, 8000, 51);
        SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), pages, true);
        exchange.sinkFinished(sink, 0);
        exchange.allRequiredSinksFinished();
        List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);
        String dataFile = spooledFilesOf(exchange.getId().getId()).stream().filter(path -> path.endsWith(".data")).findFirst().orElseThrow();
        byte[] content = readFile(dataFile);
        assertThat(content.length).isGreaterThan(3 * 5 * 1024 * 1024);

        List<Slice> read = SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0)));
        assertThat(read.stream().map(AbstractExchangeSpiIT::digest).toList())
                .containsExactlyElementsOf(pages.stream().map(page -> digest(page.data())).toList());

        content[content.length - 3 * 1024 * 1024] ^= 0x01;
        replaceFile(dataFile, content);
        assertThatThrownBy(() -> SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0))))
                .satisfies(failure -> assertThat(SpoolCorruption.messages(failure)).contains(URI.create(dataFile).getPath()).contains("checksum"));
        exchange.close();
    }
}
