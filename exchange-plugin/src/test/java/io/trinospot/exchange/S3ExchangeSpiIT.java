package io.trinospot.exchange;

import io.trino.spi.exchange.ExchangeManager;
import io.trinospot.harness.PortAllocator;
import io.trinospot.harness.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exchange SPI contract on the harness's real S3-API server, through Trino's S3 storage inside our plugin. */
class S3ExchangeSpiIT
        extends AbstractExchangeSpiIT
{
    private static final String BUCKET = "spi-exchange";

    private PortAllocator ports;
    private S3Server s3;
    private ExchangeManager manager;

    @BeforeAll
    void start()
    {
        ports = new PortAllocator();
        s3 = StorageServers.startS3(ports, StorageServers.workDir("s3-spi"));
        s3.createBucket(BUCKET);
        manager = SpiDriver.create(new SpotExchangeManagerFactory(java.util.Map.of()), StorageServers.s3Config(s3, "s3://" + BUCKET + "/a,s3://" + BUCKET + "/b"));
    }

    @AfterAll
    void stop()
    {
        if (manager != null) {
            manager.shutdown();
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
}
