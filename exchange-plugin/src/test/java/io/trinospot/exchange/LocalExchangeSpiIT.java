package io.trinospot.exchange;

import io.trino.plugin.exchange.filesystem.FileSystemExchangeManagerFactory;
import io.trino.spi.exchange.ExchangeManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The same SPI behaviour on a local directory (Trino's local storage inside our plugin). */
class LocalExchangeSpiIT
        extends AbstractExchangeSpiIT
{
    private Path base;
    private ExchangeManager manager;
    private ExchangeManager trinoExchange;

    @BeforeAll
    void start()
    {
        base = StorageServers.workDir("local-spi");
        manager = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), Map.of("exchange.base-directories", base.toUri().toString()));
        trinoExchange = SpiDriver.create(new FileSystemExchangeManagerFactory(), Map.of("exchange.base-directories", base.toUri().toString()));
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
    }

    @Override
    protected ExchangeManager manager()
    {
        return manager;
    }

    @Override
    protected List<String> listSpooledFiles()
            throws Exception
    {
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile).map(path -> path.toUri().toString()).toList();
        }
    }

    @Override
    protected void deleteFile(String path)
            throws Exception
    {
        Files.delete(Path.of(URI.create(path)));
    }

    @Override
    protected byte[] readFile(String path)
            throws Exception
    {
        return Files.readAllBytes(Path.of(URI.create(path)));
    }

    @Override
    protected void replaceFile(String path, byte[] content)
            throws Exception
    {
        Files.write(Path.of(URI.create(path)), content);
    }

    @Override
    protected ExchangeManager managerWithoutSpoolChecksums()
    {
        return trinoExchange;
    }
}
