package io.trinospot.exchange;

import io.trino.plugin.exchange.filesystem.local.LocalFileSystemExchangeStorage;
import io.trino.spi.exchange.ExchangeManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.trinospot.exchange.SpoolCorruption.Case;

/** A damaged spool file in a local base directory (no storage checksums at all) fails the read, never hands back wrong rows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSpoolFileCorruption
{
    private static final AtomicInteger QUERIES = new AtomicInteger();

    @TempDir
    static Path base;

    private ExchangeManager manager;
    private ExchangeManager trinoExchange;

    @BeforeAll
    void start()
    {
        manager = SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), Map.of("exchange.base-directories", base.toUri().toString()));
        trinoExchange = SpiDriver.overStorage(new LocalFileSystemExchangeStorage(), base.toUri().toString());
    }

    @AfterAll
    void stop()
    {
        manager.shutdown();
        trinoExchange.shutdown();
    }

    static List<Case> cases()
    {
        return SpoolCorruption.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void damagedSpoolFileFailsTheReadNamingTheFile(Case spoolCase)
            throws Exception
    {
        SpoolCorruption.assertDamageFailsTheRead("local directory", trinoExchange, manager, localFiles(), spoolCase, QUERIES.addAndGet(2));
    }

    private SpoolCorruption.SpooledFiles localFiles()
    {
        return new SpoolCorruption.SpooledFiles()
        {
            @Override
            public List<String> list()
                    throws Exception
            {
                try (Stream<Path> files = Files.walk(base)) {
                    return files.filter(Files::isRegularFile).map(path -> path.toUri().toString()).toList();
                }
            }

            @Override
            public byte[] read(String path)
                    throws Exception
            {
                return Files.readAllBytes(Path.of(URI.create(path)));
            }

            @Override
            public void replace(String path, byte[] content)
                    throws Exception
            {
                Files.write(Path.of(URI.create(path)), content);
            }
        };
    }
}
