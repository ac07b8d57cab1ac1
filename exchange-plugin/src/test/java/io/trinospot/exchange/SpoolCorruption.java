package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.execution.buffer.CompressionCodec;
import io.trino.execution.buffer.PageDeserializer;
import io.trino.execution.buffer.PageSerializer;
import io.trino.spi.Page;
import io.trino.spi.QueryId;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static io.trino.execution.buffer.PagesSerdes.createSpillingPagesSerdeFactory;
import static io.trino.metadata.InternalBlockEncodingSerde.TESTING_BLOCK_ENCODING_SERDE;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes known data through an exchange manager's sink, damages the committed spool file on the storage behind the
 * exchange's back, and reads it back through the exchange source as a Trino task would: reports whether the reader
 * got the same rows, other rows, or an exception.
 */
final class SpoolCorruption
{
    private SpoolCorruption() {}

    enum Damage
    {
        /** The file loses its last 100 bytes, so it ends inside a page. */
        TRUNCATED_INSIDE_A_PAGE,
        /** The file loses as many bytes as the last page took in Trino's record format (length + page). */
        LAST_PAGE_CUT_OFF,
        /** One bit in the middle of the file flips. */
        BIT_FLIPPED,
    }

    /** What the sink is given: opaque bytes, or pages serialized as Trino's exchange does with a codec and key. */
    enum Payload
    {
        OPAQUE_BYTES(Optional.empty(), false),
        TRINO_PAGES_UNCOMPRESSED(Optional.of(CompressionCodec.NONE), false),
        TRINO_PAGES_LZ4(Optional.of(CompressionCodec.LZ4), false),
        // Trino's defaults under retry-policy=TASK: LZ4 and exchange encryption
        TRINO_PAGES_LZ4_ENCRYPTED(Optional.of(CompressionCodec.LZ4), true);

        private final Optional<CompressionCodec> codec;
        private final boolean encrypted;

        Payload(Optional<CompressionCodec> codec, boolean encrypted)
        {
            this.codec = codec;
            this.encrypted = encrypted;
        }
    }

    record Case(Damage damage, Payload payload)
    {
        @Override
        public String toString()
        {
            return damage + " / " + payload;
        }
    }

    static List<Case> cases()
    {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(Damage.TRUNCATED_INSIDE_A_PAGE, Payload.OPAQUE_BYTES));
        cases.add(new Case(Damage.LAST_PAGE_CUT_OFF, Payload.OPAQUE_BYTES));
        for (Payload payload : Payload.values()) {
            cases.add(new Case(Damage.BIT_FLIPPED, payload));
        }
        return cases;
    }

    /** The storage as seen from outside the exchange. */
    interface SpooledFiles
    {
        List<String> list()
                throws Exception;

        byte[] read(String path)
                throws Exception;

        void replace(String path, byte[] content)
                throws Exception;
    }

    sealed interface Outcome
            permits Intact, WrongData, DecodingFailed, ReadFailed {}

    /** The reader got exactly the rows that were written. */
    record Intact()
            implements Outcome {}

    /** The exchange source finished normally but handed back other or fewer rows: silent corruption. */
    record WrongData(String detail)
            implements Outcome {}

    /** The exchange source handed back bytes that Trino's page decoder rejected. */
    record DecodingFailed(Exception failure)
            implements Outcome {}

    /** The exchange source failed the read. */
    record ReadFailed(Exception failure)
            implements Outcome {}

    /** {@code dataFile} is the damaged file as the storage lists it. */
    record Result(String dataFile, Outcome outcome) {}

    static Result run(ExchangeManager manager, SpooledFiles files, Case spoolCase, QueryId queryId)
            throws Exception
    {
        Payload payload = spoolCase.payload();
        byte[] keyBytes = new byte[32];
        new Random(7).nextBytes(keyBytes);
        Optional<SecretKey> secretKey = payload.encrypted ? Optional.of(new SecretKeySpec(keyBytes, "AES")) : Optional.empty();
        List<Slice> written = payload.codec.map(codec -> trinoPages(createSpillingPagesSerdeFactory(TESTING_BLOCK_ENCODING_SERDE, codec).createSerializer(secretKey)))
                .orElseGet(SpoolCorruption::opaquePages);

        Exchange exchange = SpiDriver.exchange(manager, queryId, 1);
        try {
            ExchangeSinkHandle sink = exchange.addSink(0);
            exchange.noMoreSinks();
            SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), written.stream().map(data -> new SpiDriver.Page(0, data)).toList(), true);
            exchange.sinkFinished(sink, 0);

            String marker = "." + exchange.getId().getId() + ".";
            List<String> dataFiles = files.list().stream().filter(path -> path.contains(marker) && path.endsWith(".data")).toList();
            assertThat(dataFiles).as("spooled data files").hasSize(1);
            String dataFile = dataFiles.getFirst();
            byte[] content = files.read(dataFile);
            files.replace(dataFile, damage(spoolCase.damage(), content, written.getLast().length()));

            // listed after the damage, as a file damaged at rest before the consumer starts
            exchange.allRequiredSinksFinished();
            List<ExchangeSourceHandle> handles = SpiDriver.sourceHandles(exchange);
            List<Slice> read;
            try {
                read = SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0)));
            }
            catch (Exception e) {
                return new Result(dataFile, new ReadFailed(e));
            }
            if (payload.codec.isEmpty() || payload.encrypted) {
                // Encrypted pages get a random IV, so a flipped bit garbles them differently on every run, and
                // Trino's page decoder can loop forever on such a page: they are compared as bytes only.
                return new Result(dataFile, compare(written, read, "pages"));
            }
            PageDeserializer deserializer = createSpillingPagesSerdeFactory(TESTING_BLOCK_ENCODING_SERDE, payload.codec.get()).createDeserializer(secretKey);
            List<Slice> rows = new ArrayList<>();
            try {
                for (Slice slice : read) {
                    rows.addAll(rows(deserializer.deserialize(slice)));
                }
            }
            catch (RuntimeException e) {
                return new Result(dataFile, new DecodingFailed(e));
            }
            PageDeserializer expectedDeserializer = createSpillingPagesSerdeFactory(TESTING_BLOCK_ENCODING_SERDE, payload.codec.get()).createDeserializer(secretKey);
            List<Slice> expectedRows = new ArrayList<>();
            for (Slice slice : written) {
                expectedRows.addAll(rows(expectedDeserializer.deserialize(slice)));
            }
            return new Result(dataFile, compare(expectedRows, rows, "rows"));
        }
        finally {
            exchange.close();
        }
    }

    /**
     * Damages a file written through {@code bare} (Trino's exchange over the bare storage) and prints what its source
     * hands back, the evidence of what the storage alone guarantees; then damages a file written through
     * {@code verified} the same way and asserts that its source fails the read, naming the file and an offset.
     */
    static void assertDamageFailsTheRead(String storage, ExchangeManager bare, ExchangeManager verified, SpooledFiles files, Case spoolCase, int query)
            throws Exception
    {
        Result unchecked = run(bare, files, spoolCase, SpiDriver.queryId("20990101_000000", query));
        System.out.printf("%s, %s, without spool checksums: %s%n", storage, spoolCase, describe(unchecked.outcome()));
        assertThat(unchecked.outcome()).as("the damage changes what the bare storage hands back").isNotInstanceOf(Intact.class);

        Result checked = run(verified, files, spoolCase, SpiDriver.queryId("20990101_000000", query + 1));
        assertThat(checked.outcome())
                .as("%s, %s: the exchange source %s", storage, spoolCase, describe(checked.outcome()))
                .isInstanceOf(ReadFailed.class);
        String messages = messages(((ReadFailed) checked.outcome()).failure());
        System.out.printf("%s, %s, with spool checksums: %s", storage, spoolCase, messages);
        assertThat(messages).contains(pathOf(checked.dataFile())).contains("offset");
    }

    /** The damaged file's path as it appears in error messages, whatever URI form a storage lists it in. */
    static String pathOf(String dataFile)
    {
        return URI.create(dataFile).getPath();
    }

    /** Every message in the chain of causes, outermost first. */
    static String messages(Throwable failure)
    {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    static String describe(Outcome outcome)
    {
        return switch (outcome) {
            case Intact ignored -> "returned the written data";
            case WrongData wrong -> "returned WRONG data silently: " + wrong.detail();
            case DecodingFailed failed -> "returned bytes Trino's page decoder rejected: " + messages(failed.failure()).lines().reduce((first, last) -> last).orElse("");
            case ReadFailed failed -> "failed the read: " + messages(failed.failure()).lines().reduce((first, last) -> last).orElse("");
        };
    }

    private static byte[] damage(Damage damage, byte[] content, int lastPageLength)
    {
        return switch (damage) {
            case TRUNCATED_INSIDE_A_PAGE -> Arrays.copyOf(content, content.length - 100);
            case LAST_PAGE_CUT_OFF -> Arrays.copyOf(content, content.length - Integer.BYTES - lastPageLength);
            case BIT_FLIPPED -> {
                byte[] flipped = content.clone();
                flipped[flipped.length / 2] ^= 0x10;
                yield flipped;
            }
        };
    }

    private static Outcome compare(List<Slice> expected, List<Slice> actual, String unit)
    {
        Map<Slice, Integer> missing = new HashMap<>();
        expected.forEach(slice -> missing.merge(slice, 1, Integer::sum));
        int unexpected = 0;
        for (Slice slice : actual) {
            if (missing.merge(slice, -1, Integer::sum) < 0) {
                unexpected++;
            }
        }
        int absent = missing.values().stream().filter(count -> count > 0).mapToInt(Integer::intValue).sum();
        if (absent == 0 && unexpected == 0 && expected.size() == actual.size()) {
            return new Intact();
        }
        return new WrongData("%d of %d %s missing, %d %s that were never written".formatted(absent, expected.size(), unit, unexpected, unit));
    }

    /** About 200 kB of pages of 512 to 1535 random bytes. */
    private static List<Slice> opaquePages()
    {
        Random random = new Random(42);
        List<Slice> pages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[512 + random.nextInt(1024)];
            random.nextBytes(bytes);
            pages.add(Slices.wrappedBuffer(bytes));
        }
        return pages;
    }

    /** 16 compressible pages of 500 rows (BIGINT, VARCHAR). */
    private static List<Slice> trinoPages(PageSerializer serializer)
    {
        List<Slice> pages = new ArrayList<>();
        for (int page = 0; page < 16; page++) {
            BlockBuilder ids = BIGINT.createBlockBuilder(null, 500);
            BlockBuilder names = VARCHAR.createBlockBuilder(null, 500);
            for (int row = 0; row < 500; row++) {
                long id = page * 500L + row;
                BIGINT.writeLong(ids, id);
                VARCHAR.writeString(names, "customer-" + (id % 97) + "-segment-" + (id % 5));
            }
            pages.add(serializer.serialize(new Page(ids.build(), names.build())));
        }
        return pages;
    }

    private static List<Slice> rows(Page page)
    {
        List<Slice> rows = new ArrayList<>();
        for (int position = 0; position < page.getPositionCount(); position++) {
            rows.add(Slices.utf8Slice(BIGINT.getLong(page.getBlock(0), position) + "|" + VARCHAR.getSlice(page.getBlock(1), position).toStringUtf8()));
        }
        return rows;
    }
}
