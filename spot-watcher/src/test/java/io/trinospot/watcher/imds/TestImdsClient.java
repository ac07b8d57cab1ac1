package io.trinospot.watcher.imds;

import io.trinospot.harness.imds.Fault;
import io.trinospot.harness.imds.ImdsEmulator;
import io.trinospot.harness.imds.ManualClock;
import io.trinospot.harness.imds.RecordedRequest;
import io.trinospot.harness.imds.SpotAction;
import io.trinospot.watcher.testing.TricklingPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class TestImdsClient
{
    private static final String INSTANCE_ID = "/latest/meta-data/instance-id";
    private static final String SPOT = "/latest/meta-data/spot/instance-action";

    private ImdsEmulator emulator;
    private ImdsClientConfig config;

    @BeforeEach
    void setUp()
    {
        emulator = ImdsEmulator.builder().instanceId("i-0aaaabbbbccccdddd").start();
        config = ImdsClientConfig.forEndpoint(emulator.endpoint()).withRequestTimeout(Duration.ofMillis(1500));
    }

    @AfterEach
    void tearDown()
    {
        emulator.close();
    }

    @Test
    void fetchesOneTokenAndReusesIt()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config.withTokenTtl(Duration.ofSeconds(300)), InstantSource.system());
        for (int i = 0; i < 5; i++) {
            assertThat(client.get(INSTANCE_ID)).contains("i-0aaaabbbbccccdddd");
        }
        assertThat(emulator.tokensIssued()).isEqualTo(1);
        assertThat(emulator.requests(request -> request.method().equals("GET"))).allMatch(RecordedRequest::tokenPresent);
    }

    @Test
    void notFoundIsEmpty()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        assertThat(client.get(SPOT)).isEmpty();
        emulator.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
        assertThat(client.get(SPOT)).hasValueSatisfying(body -> assertThat(body).contains("\"terminate\""));
    }

    @Test
    void refreshesTokenBeforeItExpires()
            throws Exception
    {
        ManualClock clientClock = new ManualClock(Instant.now());
        ImdsClient client = new ImdsClient(config.withTokenTtl(Duration.ofMinutes(10)), clientClock);
        client.get(INSTANCE_ID);
        clientClock.advance(Duration.ofMinutes(8));
        client.get(INSTANCE_ID);
        assertThat(emulator.tokensIssued()).isEqualTo(1);
        // Within the last minute of the TTL: a new token before the old one can die in flight.
        clientClock.advance(Duration.ofSeconds(61));
        client.get(INSTANCE_ID);
        assertThat(emulator.tokensIssued()).isEqualTo(2);
        assertThat(emulator.requests(request -> request.status() == 401)).isEmpty();
    }

    @Test
    void refreshMarginIsAQuarterOfShortTtls()
    {
        assertThat(ImdsClient.refreshMargin(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ImdsClient.refreshMargin(Duration.ofHours(6))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void reTokensOnceOn401()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        client.get(INSTANCE_ID);
        emulator.expireTokens();
        assertThat(client.get(INSTANCE_ID)).contains("i-0aaaabbbbccccdddd");
        emulator.revokeTokens();
        assertThat(client.get(INSTANCE_ID)).contains("i-0aaaabbbbccccdddd");
        assertThat(emulator.tokensIssued()).isEqualTo(3);
        assertThat(emulator.requests(request -> request.status() == 401)).hasSize(2);
    }

    @Test
    void serverErrorsAreImdsExceptions()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        client.get(INSTANCE_ID);
        emulator.failNext(1, 503);
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isEqualTo(ImdsException.Kind.HTTP_STATUS);
        emulator.failNext(1, 500);
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isEqualTo(ImdsException.Kind.HTTP_STATUS);
        assertThat(client.get(SPOT)).isEmpty();
    }

    @Test
    void failedTokenRequestNeverFallsBackToImdsV1ByDefault()
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        emulator.inject(Fault.errorStatus(500).times(3).onPath(ImdsEmulator.TOKEN_PATH));
        for (int i = 0; i < 3; i++) {
            assertThat(catchImds(() -> client.get(INSTANCE_ID)).kind()).isEqualTo(ImdsException.Kind.TOKEN);
        }
        assertThat(emulator.requests(request -> request.method().equals("GET"))).isEmpty();
    }

    @Test
    void imdsV1FallbackWhenAllowed()
            throws Exception
    {
        try (ImdsEmulator v1 = ImdsEmulator.builder().allowImdsV1(true).instanceId("i-0v1").start()) {
            ImdsClient client = new ImdsClient(ImdsClientConfig.forEndpoint(v1.endpoint()).withAllowV1(true), InstantSource.system());
            v1.inject(Fault.errorStatus(403).times(1).onPath(ImdsEmulator.TOKEN_PATH));
            assertThat(client.get(INSTANCE_ID)).contains("i-0v1");
            assertThat(v1.requests(request -> request.method().equals("GET"))).singleElement()
                    .satisfies(request -> assertThat(request.tokenPresent()).isFalse());
        }
    }

    @Test
    void slowAnswerTimesOut()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        client.get(INSTANCE_ID);
        emulator.inject(Fault.delay(Duration.ofSeconds(4)).times(1).onPath(SPOT));
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isEqualTo(ImdsException.Kind.TIMEOUT);
        assertThat(client.get(SPOT)).isEmpty();
    }

    @Test
    void slowTokenTimesOut()
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        emulator.inject(Fault.delay(Duration.ofSeconds(4)).times(1).onPath(ImdsEmulator.TOKEN_PATH));
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isEqualTo(ImdsException.Kind.TIMEOUT);
    }

    @Test
    void tricklingTokenAnswerTimesOut()
            throws Exception
    {
        // Real time on a real socket: a byte every 20 ms keeps each read well within the 200 ms request timeout.
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", (byte) 'a', Duration.ofMillis(20))) {
            ImdsClient client = new ImdsClient(ImdsClientConfig.forEndpoint(peer.uri()).withRequestTimeout(Duration.ofMillis(200)), InstantSource.system());
            CompletableFuture<ImdsException> call = CompletableFuture.supplyAsync(() -> catchImds(() -> client.get(SPOT)));
            // Bounded only to turn a hang into a failure.
            ImdsException failure = call.get(20, TimeUnit.SECONDS);
            assertThat(failure.kind()).isEqualTo(ImdsException.Kind.TIMEOUT);
            assertThat(failure).hasMessage("PUT /latest/api/token: no answer within 200 ms");
            peer.awaitClosedByClient();
        }
    }

    @Test
    void droppedConnectionIsAnImdsException()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        client.get(INSTANCE_ID);
        // A window, not a count: the HTTP client may retry a GET once on a fresh connection.
        emulator.inject(Fault.drop().during(Duration.ofMinutes(5)).onPath(SPOT));
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isEqualTo(ImdsException.Kind.CONNECTION);
        emulator.clearFaults();
        assertThat(client.get(SPOT)).isEmpty();
    }

    @Test
    void garbageTokensNeverEscapeAsOtherExceptions()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config, InstantSource.system());
        emulator.inject(Fault.malformed().times(8).onPath(ImdsEmulator.TOKEN_PATH));
        for (int i = 0; i < 8; i++) {
            Throwable thrown = catchThrowable(() -> client.get(INSTANCE_ID));
            assertThat(thrown).satisfiesAnyOf(
                    t -> assertThat(t).isNull(),
                    t -> assertThat(t).isInstanceOf(ImdsException.class));
        }
        emulator.clearFaults();
        assertThat(client.get(INSTANCE_ID)).contains("i-0aaaabbbbccccdddd");
    }

    @Test
    void unreachableEndpointIsAnImdsException()
            throws Exception
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImdsClient client = new ImdsClient(ImdsClientConfig.forEndpoint(URI.create("http://127.0.0.1:" + closedPort)), InstantSource.system());
        assertThat(catchImds(() -> client.get(SPOT)).kind()).isIn(ImdsException.Kind.CONNECTION, ImdsException.Kind.TIMEOUT);
    }

    @Test
    void tokenTtlIsSentAndBounded()
            throws Exception
    {
        ImdsClient client = new ImdsClient(config.withTokenTtl(Duration.ofSeconds(21600)), InstantSource.system());
        assertThat(client.get(INSTANCE_ID)).isPresent();
        assertThatThrownBy(() -> config.withTokenTtl(Duration.ofSeconds(21601))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withTokenTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private interface ImdsCall
    {
        Optional<String> call()
                throws ImdsException;
    }

    private static ImdsException catchImds(ImdsCall call)
    {
        Throwable thrown = catchThrowable(call::call);
        assertThat(thrown).isInstanceOf(ImdsException.class);
        return (ImdsException) thrown;
    }
}
