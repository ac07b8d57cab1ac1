package io.trinospot.exchange;

import io.trino.spi.exchange.Exchange;
import io.trino.spi.exchange.ExchangeManager;
import io.trino.spi.exchange.ExchangeSinkHandle;
import io.trino.spi.exchange.ExchangeSourceHandle;
import io.trinospot.harness.PortAllocator;
import io.trinospot.harness.S3FaultProxy;
import io.trinospot.harness.S3FaultProxy.Fault;
import io.trinospot.harness.S3FaultProxy.Kind;
import io.trinospot.harness.S3FaultProxy.Match;
import io.trinospot.harness.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.trinospot.exchange.SpiDriver.Page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 error bursts and dropped connections between the exchange and a real S3 server: a fault proxy in front of
 * s3proxy answers one kind of request with {@code 503 SlowDown} or {@code 500 InternalError}, or cuts its connection.
 * A burst the AWS SDK's retries absorb loses nothing; one that outlasts them fails the write or the read with the
 * cause in its message, after a bounded number of requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3ExchangeFaultIT
{
    private static final String BUCKET = "spi-faults";
    private static final String NOW = "20990101_000000";
    // exchange.s3.max-error-retries: Trino 483 hands it to the SDK as the attempts per operation, first one included
    private static final int ATTEMPTS = 3;
    private static final AtomicInteger QUERIES = new AtomicInteger();
    // answers S3 sends as an XML document
    private static final List<Kind> XML_ANSWERS = List.of(Kind.COMPLETE_MULTIPART_UPLOAD, Kind.LIST);

    private PortAllocator ports;
    private S3Server s3;
    private S3FaultProxy proxy;
    private ExchangeManager manager;

    @BeforeAll
    void start()
    {
        ports = new PortAllocator();
        s3 = StorageServers.startS3(ports, StorageServers.workDir("s3-faults"));
        s3.createBucket(BUCKET);
        proxy = S3FaultProxy.start(s3.endpoint());
        // One manager (one S3 client) for every case, as on a node; each case faults only its own exchange's requests.
        // STANDARD retries: ADAPTIVE_V2 (the default, one case below) also rate-limits the whole client for a while
        // after throttling, which makes no request more or fewer but added about 10 s to each SlowDown case.
        manager = manager("STANDARD");
    }

    private ExchangeManager manager(String retryMode)
    {
        Map<String, String> config = StorageServers.s3Config(s3, "s3://" + BUCKET + "/fault");
        config.put("exchange.s3.endpoint", proxy.endpoint().toString());
        config.put("exchange.s3.max-error-retries", String.valueOf(ATTEMPTS));
        config.put("exchange.s3.retry-mode", retryMode);
        return SpiDriver.create(new SpotExchangeManagerFactory(Map.of()), config);
    }

    @AfterAll
    void stop()
    {
        if (manager != null) {
            manager.shutdown();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (ports != null) {
            ports.close();
        }
    }

    @AfterEach
    void passAll()
    {
        proxy.passAll();
    }

    /**
     * Every request kind with every fault, but for an answer cut inside its XML body (below), with
     * {@code -Dtrinospot.s3faults.matrix=true}; in {@code ./mvnw verify} two faults per kind, chosen so that every
     * kind and every fault is tried.
     */
    static Stream<Arguments> retriedFaults()
    {
        boolean matrix = Boolean.getBoolean("trinospot.s3faults.matrix");
        List<Kind> kinds = List.of(Kind.PUT_OBJECT, Kind.UPLOAD_PART, Kind.COMPLETE_MULTIPART_UPLOAD, Kind.GET_OBJECT, Kind.LIST);
        return kinds.stream()
                .flatMap(kind -> Stream.of(Fault.values())
                        .filter(fault -> !XML_ANSWERS.contains(kind) || fault != Fault.DROP_DURING_RESPONSE)
                        .filter(fault -> matrix || (kinds.indexOf(kind) + fault.ordinal()) % 2 == 0)
                        .map(fault -> Arguments.of(kind, fault)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("retriedFaults")
    void burstTheRetriesAbsorbLosesNothing(Kind kind, Fault fault)
            throws Exception
    {
        assertBurstLosesNothing(manager, kind, fault);
    }

    @Test
    void throttlingBurstUnderTheDefaultAdaptiveRetriesLosesNothing()
            throws Exception
    {
        ExchangeManager adaptive = manager("ADAPTIVE_V2");
        try {
            assertBurstLosesNothing(adaptive, Kind.PUT_OBJECT, Fault.SLOW_DOWN);
        }
        finally {
            adaptive.shutdown();
        }
    }

    private void assertBurstLosesNothing(ExchangeManager manager, Kind kind, Fault fault)
            throws Exception
    {
        Spool spool = new Spool(manager, kind);
        spool.run(fault, ATTEMPTS - 1);
        assertThat(proxy.injectedFaults()).as("faults injected").isEqualTo(ATTEMPTS - 1);
        assertThat(proxy.matchedRequests()).as("requests of the faulted operation").isEqualTo(ATTEMPTS);
        assertThat(spool.readBack()).containsExactlyElementsOf(spool.written());
        spool.exchange().close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("retriedFaults")
    void burstOutlastingTheRetriesFailsLoudly(Kind kind, Fault fault)
            throws Exception
    {
        Spool spool = new Spool(manager, kind);
        assertThatThrownBy(() -> spool.run(fault, Integer.MAX_VALUE))
                .satisfies(failure -> assertThat(SpoolCorruption.messages(failure))
                        .containsPattern(cause(fault))
                        .contains(spool.operation())
                        .contains("s3://" + BUCKET + "/fault/")
                        .contains(spool.exchange().getId().getId()));
        assertThat(proxy.matchedRequests()).as("requests of the faulted operation").isEqualTo(ATTEMPTS);
        proxy.passAll();
        if (spool.writes()) {
            assertThat(spool.committedMarkers()).as("a sink whose file did not make it never commits").isEmpty();
        }
        spool.exchange().close();
    }

    /**
     * The SDK takes an XML answer cut short by a closed connection for a whole one, fails to parse it and does not
     * retry: one such cut fails a listing or the completion of a multipart spool file at once. Loudly, and a spool file
     * whose completion failed is never committed, so its task's retry writes it again.
     */
    @ParameterizedTest
    @MethodSource("xmlAnswers")
    void answerCutInsideItsXmlBodyFailsAtOnceButLoudly(Kind kind)
            throws Exception
    {
        Spool spool = new Spool(manager, kind);
        assertThatThrownBy(() -> spool.run(Fault.DROP_DURING_RESPONSE, 1))
                .satisfies(failure -> assertThat(SpoolCorruption.messages(failure))
                        .contains("Could not parse XML response")
                        .contains(spool.operation())
                        .contains(spool.exchange().getId().getId()));
        assertThat(proxy.matchedRequests()).as("requests of the faulted operation").isEqualTo(1);
        proxy.passAll();
        if (spool.writes()) {
            assertThat(spool.committedMarkers()).as("a sink whose file did not make it never commits").isEmpty();
        }
        spool.exchange().close();
    }

    static Stream<Kind> xmlAnswers()
    {
        return XML_ANSWERS.stream();
    }

    private static String cause(Fault fault)
    {
        return switch (fault) {
            case SLOW_DOWN -> "Status Code: 503";
            case INTERNAL_ERROR -> "Status Code: 500";
            case DROP_DURING_REQUEST, DROP_DURING_RESPONSE -> "(?i)connection (was )?(closed|reset)";
        };
    }

    /** One task's output through one exchange, with the fault placed on the request kind under test. */
    private final class Spool
    {
        private final ExchangeManager manager;
        private final Kind kind;
        private final Exchange exchange;
        private final ExchangeSinkHandle sink;
        private final List<Page> pages;
        private List<ExchangeSourceHandle> handles;

        Spool(ExchangeManager manager, Kind kind)
        {
            this.manager = manager;
            this.kind = kind;
            int query = QUERIES.incrementAndGet();
            this.exchange = SpiDriver.exchange(manager, SpiDriver.queryId(NOW, query), 1);
            this.sink = exchange.addSink(0);
            exchange.noMoreSinks();
            // Multipart kinds: about 7 MB, a 5 MB part (exchange.s3.upload.part-size) and a short last one. Else ~200 kB in one PUT.
            boolean multipart = kind == Kind.UPLOAD_PART || kind == Kind.COMPLETE_MULTIPART_UPLOAD;
            this.pages = multipart ? AbstractExchangeSpiIT.pages(1, 900, 8000, query) : AbstractExchangeSpiIT.pages(1, 200, 1000, query);
        }

        Exchange exchange()
        {
            return exchange;
        }

        /** How the plugin's failure message names the operation under test. */
        String operation()
        {
            return switch (kind) {
                case GET_OBJECT -> "Reading spool file";
                case LIST -> "Listing spool directory";
                default -> "spool file";
            };
        }

        boolean writes()
        {
            return kind != Kind.GET_OBJECT && kind != Kind.LIST;
        }

        /** Writes, commits and lists the spooled output (and for GET reads it), with {@code times} faults armed for the stage under test. */
        void run(Fault fault, int times)
                throws Exception
        {
            String exchangeId = exchange.getId().getId();
            Match match = switch (kind) {
                case PUT_OBJECT, GET_OBJECT -> Match.of(kind, exchangeId, ".data");
                case UPLOAD_PART -> Match.of(kind, exchangeId, "partNumber=1&");
                default -> Match.of(kind, exchangeId);
            };
            if (writes()) {
                proxy.inject(match, fault, times);
            }
            SpiDriver.write(manager, SpiDriver.instantiate(exchange, sink, 0), pages, true);
            exchange.sinkFinished(sink, 0);
            if (kind == Kind.LIST) {
                proxy.inject(match, fault, times);
            }
            exchange.allRequiredSinksFinished();
            handles = SpiDriver.sourceHandles(exchange);
            if (kind == Kind.GET_OBJECT) {
                proxy.inject(match, fault, times);
                readBack();
            }
        }

        List<String> readBack()
                throws Exception
        {
            return SpiDriver.read(manager, handles, SpiDriver.selector(exchange, Map.of(0, 0))).stream().map(AbstractExchangeSpiIT::digest).toList();
        }

        List<String> written()
        {
            return pages.stream().map(Page::data).map(AbstractExchangeSpiIT::digest).toList();
        }

        List<String> committedMarkers()
        {
            String exchangeId = exchange.getId().getId();
            try (S3Client client = s3.client()) {
                return client.listObjectsV2Paginator(request -> request.bucket(BUCKET)).contents().stream()
                        .map(S3Object::key)
                        .filter(key -> key.contains("." + exchangeId + "."))
                        .filter(key -> key.endsWith("committed"))
                        .toList();
            }
        }
    }
}
