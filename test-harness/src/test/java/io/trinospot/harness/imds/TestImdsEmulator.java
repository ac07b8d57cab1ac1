package io.trinospot.harness.imds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestImdsEmulator
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ImdsEmulator emulator;

    @BeforeEach
    void setUp()
    {
        emulator = ImdsEmulator.builder().clock(clock).instanceId("i-0123456789abcdef0").start();
    }

    @AfterEach
    void tearDown()
    {
        emulator.close();
    }

    @Test
    void tokenTtlMustBeWithinRange()
            throws Exception
    {
        assertThat(tokenRequest("0").statusCode()).isEqualTo(400);
        assertThat(tokenRequest("21601").statusCode()).isEqualTo(400);
        assertThat(tokenRequest("abc").statusCode()).isEqualTo(400);
        assertThat(tokenRequest(null).statusCode()).isEqualTo(400);
        HttpResponse<String> ok = tokenRequest("21600");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isNotBlank();
        assertThat(ok.headers().firstValue(ImdsEmulator.TOKEN_TTL_HEADER)).contains("21600");
        assertThat(tokenRequest("1").statusCode()).isEqualTo(200);
    }

    @Test
    void tokenRequestMustBePut()
            throws Exception
    {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(ImdsEmulator.TOKEN_PATH))
                .header(ImdsEmulator.TOKEN_TTL_HEADER, "60").GET().build());
        assertThat(response.statusCode()).isEqualTo(405);
    }

    @Test
    void getNeedsValidToken()
            throws Exception
    {
        assertThat(get("/latest/meta-data/instance-id", null).statusCode()).isEqualTo(401);
        assertThat(get("/latest/meta-data/instance-id", "not-a-token").statusCode()).isEqualTo(401);

        String token = token(10);
        HttpResponse<String> response = get("/latest/meta-data/instance-id", token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("i-0123456789abcdef0");

        clock.advance(Duration.ofSeconds(9));
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(401);
    }

    @Test
    void imdsV1AllowedOnlyWhenEnabled()
            throws Exception
    {
        try (ImdsEmulator v1 = ImdsEmulator.builder().allowImdsV1(true).lifeCycle(InstanceLifeCycle.ON_DEMAND).start()) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(v1.endpoint().resolve("/latest/meta-data/instance-life-cycle")).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("on-demand");
            // A token that is present but wrong is still refused.
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(v1.endpoint().resolve("/latest/meta-data/instance-id"))
                    .header(ImdsEmulator.TOKEN_HEADER, "bogus").build());
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void expiredAndRevokedTokensAreRefused()
            throws Exception
    {
        String first = token(21600);
        emulator.expireTokens();
        assertThat(get("/latest/meta-data/instance-id", first).statusCode()).isEqualTo(401);

        String second = token(21600);
        assertThat(get("/latest/meta-data/instance-id", second).statusCode()).isEqualTo(200);
        emulator.revokeTokens();
        assertThat(get("/latest/meta-data/instance-id", second).statusCode()).isEqualTo(401);
        assertThat(get("/latest/meta-data/instance-id", token(60)).statusCode()).isEqualTo(200);
    }

    @Test
    void metadataPaths()
            throws Exception
    {
        String token = token(60);
        assertThat(get("/latest/meta-data/instance-life-cycle", token).body()).isEqualTo("spot");
        assertThat(get("/latest/meta-data/placement/availability-zone", token).body()).isEqualTo("us-east-1a");
        assertThat(get("/latest/meta-data/placement/region", token).body()).isEqualTo("us-east-1");
        assertThat(get("/latest/meta-data/", token).body()).contains("instance-id", "spot/", "events/");
        assertThat(get("/latest/meta-data/no-such-key", token).statusCode()).isEqualTo(404);
        JsonNode document = JSON.readTree(get("/latest/dynamic/instance-identity/document", token).body());
        assertThat(document.get("instanceId").asText()).isEqualTo("i-0123456789abcdef0");
    }

    @Test
    void spotNoticeIs404UntilPostedThenJson()
            throws Exception
    {
        String token = token(600);
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(404);
        assertThat(get("/latest/meta-data/spot/termination-time", token).statusCode()).isEqualTo(404);

        emulator.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
        HttpResponse<String> response = get("/latest/meta-data/spot/instance-action", token);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("action").asText()).isEqualTo("terminate");
        assertThat(body.get("time").asText()).isEqualTo("2026-11-22T10:02:00Z");
        assertThat(get("/latest/meta-data/spot/termination-time", token).body()).isEqualTo("2026-11-22T10:02:00Z");

        emulator.clearSpotNotice();
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(404);
    }

    @Test
    void stopNoticeHasNoTerminationTime()
            throws Exception
    {
        String token = token(600);
        emulator.postSpotNoticeIn(SpotAction.STOP, Duration.ofMinutes(2));
        assertThat(JSON.readTree(get("/latest/meta-data/spot/instance-action", token).body()).get("action").asText()).isEqualTo("stop");
        assertThat(get("/latest/meta-data/spot/termination-time", token).statusCode()).isEqualTo(404);
    }

    @Test
    void movingTimeShiftsWithTheClockAndPinnedTimeDoesNot()
            throws Exception
    {
        String token = token(600);
        emulator.postSpotNotice(SpotAction.HIBERNATE, START.plusSeconds(120));
        clock.advance(Duration.ofSeconds(7));
        assertThat(JSON.readTree(get("/latest/meta-data/spot/instance-action", token).body()).get("time").asText())
                .isEqualTo("2026-11-22T10:02:07Z");

        emulator.setTimeMode(TimeMode.PINNED);
        clock.advance(Duration.ofSeconds(5));
        assertThat(JSON.readTree(get("/latest/meta-data/spot/instance-action", token).body()).get("time").asText())
                .isEqualTo("2026-11-22T10:02:00Z");
    }

    @Test
    void noticePostedForLaterIsHiddenUntilThen()
            throws Exception
    {
        String token = token(600);
        emulator.setTimeMode(TimeMode.PINNED);
        emulator.postSpotNotice(SpotAction.TERMINATE, START.plusSeconds(150), START.plusSeconds(30));
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(404);
        clock.advance(Duration.ofSeconds(30));
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(200);
    }

    @Test
    void rebalanceRecommendation()
            throws Exception
    {
        String token = token(600);
        assertThat(get("/latest/meta-data/events/recommendations/rebalance", token).statusCode()).isEqualTo(404);
        emulator.postRebalanceRecommendation(START);
        assertThat(JSON.readTree(get("/latest/meta-data/events/recommendations/rebalance", token).body()).get("noticeTime").asText())
                .isEqualTo("2026-11-22T10:00:00Z");
        emulator.clearRebalanceRecommendation();
        assertThat(get("/latest/meta-data/events/recommendations/rebalance", token).statusCode()).isEqualTo(404);
    }

    @Test
    void scheduledEventsUseAwsTimeFormat()
            throws Exception
    {
        String token = token(600);
        assertThat(JSON.readTree(get("/latest/meta-data/events/maintenance/scheduled", token).body()).isEmpty()).isTrue();
        emulator.setTimeMode(TimeMode.PINNED);
        emulator.postScheduledEvent(new ScheduledEvent("instance-stop", "The instance is scheduled for stop", "active",
                "instance-event-0d59937288b749b32", Instant.parse("2019-01-21T09:00:43Z"),
                Optional.of(Instant.parse("2019-01-21T09:17:23Z")), Optional.of(Instant.parse("2019-01-31T09:00:00Z"))));
        JsonNode events = JSON.readTree(get("/latest/meta-data/events/maintenance/scheduled", token).body());
        assertThat(events.size()).isEqualTo(1);
        JsonNode event = events.get(0);
        assertThat(event.get("Code").asText()).isEqualTo("instance-stop");
        assertThat(event.get("State").asText()).isEqualTo("active");
        assertThat(event.get("EventId").asText()).isEqualTo("instance-event-0d59937288b749b32");
        assertThat(event.get("Description").asText()).isNotEmpty();
        assertThat(event.get("NotBefore").asText()).isEqualTo("21 Jan 2019 09:00:43 GMT");
        assertThat(event.get("NotAfter").asText()).isEqualTo("21 Jan 2019 09:17:23 GMT");
        assertThat(event.get("NotBeforeDeadline").asText()).isEqualTo("31 Jan 2019 09:00:00 GMT");
    }

    @Test
    void failNextAnswersErrorsThenRecovers()
            throws Exception
    {
        String token = token(600);
        emulator.failNext(2, 503);
        assertThat(emulator.pendingFaults()).isEqualTo(1);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(503);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(503);
        assertThat(emulator.pendingFaults()).isZero();
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
        assertThat(emulator.requests(request -> request.fault().isPresent())).hasSize(2);
    }

    @Test
    void failForWindowFollowsTheClock()
            throws Exception
    {
        String token = token(600);
        emulator.failFor(Duration.ofSeconds(10), 500);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(500);
        clock.advance(Duration.ofSeconds(9));
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(500);
        clock.advance(Duration.ofSeconds(1));
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
    }

    @Test
    void faultsCanTargetAPath()
            throws Exception
    {
        String token = token(600);
        emulator.inject(Fault.errorStatus(500).times(1).onPath("/latest/meta-data/spot/"));
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(500);
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(404);
    }

    @Test
    void faultsAlsoHitTheTokenEndpoint()
            throws Exception
    {
        emulator.failNext(1, 500);
        assertThat(tokenRequest("60").statusCode()).isEqualTo(500);
        assertThat(tokenRequest("60").statusCode()).isEqualTo(200);
    }

    @Test
    void aSpotNoticeBodyIsAnsweredAsWritten()
            throws Exception
    {
        String token = token(600);
        emulator.postSpotNoticeBody("{\"action\":\"reboot\",\"time\":\"soon\"}");
        assertThat(get("/latest/meta-data/spot/", token).body()).contains("instance-action");
        HttpResponse<String> response = get("/latest/meta-data/spot/instance-action", token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"action\":\"reboot\",\"time\":\"soon\"}");

        emulator.clearSpotNotice();
        assertThat(get("/latest/meta-data/spot/instance-action", token).statusCode()).isEqualTo(404);
    }

    @Test
    void trickleSendsHeadersThenTheBodyByteByByte()
            throws Exception
    {
        String token = token(600);
        emulator.trickleFor(Duration.ofMinutes(1), Duration.ofMillis(200));
        try (Socket socket = new Socket("127.0.0.1", emulator.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + ImdsEmulator.TOKEN_HEADER + ": " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            StringBuilder headers = new StringBuilder();
            while (!headers.toString().endsWith("\r\n\r\n")) {
                headers.append((char) in.read());
            }
            assertThat(headers.toString()).startsWith("HTTP/1.1 200");
            // the body's bytes come one at a time, each flushed on its own
            byte[] buffer = new byte[64];
            assertThat(in.read(buffer)).isEqualTo(1);
            assertThat(in.read(buffer)).isEqualTo(1);
        }
        assertThat(emulator.requests(recorded -> recorded.fault().filter(Fault.Kind.TRICKLE::equals).isPresent())).isNotEmpty();
    }

    @Test
    void delayHoldsTheAnswerPastAClientTimeout()
            throws Exception
    {
        String token = token(600);
        emulator.delayNext(1, Duration.ofSeconds(2));
        HttpRequest request = HttpRequest.newBuilder(uri("/latest/meta-data/instance-id"))
                .header(ImdsEmulator.TOKEN_HEADER, token).timeout(Duration.ofMillis(200)).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
    }

    @Test
    void dropClosesTheConnectionWithoutAnAnswer()
            throws Exception
    {
        String token = token(600);
        emulator.dropNext(1);
        // A raw socket, because HTTP clients may silently retry a GET on a closed connection.
        try (Socket socket = new Socket("127.0.0.1", emulator.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + ImdsEmulator.TOKEN_HEADER + ": " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThat(emulator.requests(RecordedRequest::dropped)).hasSize(1);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBodiesAreNotWhatThePathPromises()
            throws Exception
    {
        String token = token(600);
        emulator.postSpotNoticeIn(SpotAction.TERMINATE, Duration.ofMinutes(2));
        emulator.malformNext(8);
        int validJson = 0;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = get("/latest/meta-data/spot/instance-action", token);
            assertThat(response.statusCode()).isEqualTo(200);
            if (isValidNotice(response.body())) {
                validJson++;
            }
        }
        assertThat(validJson).isZero();
        assertThat(isValidNotice(get("/latest/meta-data/spot/instance-action", token).body())).isTrue();
    }

    @Test
    void requestLogRecordsWhatHappened()
            throws Exception
    {
        String token = token(600);
        get("/latest/meta-data/spot/instance-action", token);
        get("/latest/meta-data/spot/instance-action", null);
        assertThat(emulator.requests()).extracting(RecordedRequest::method, RecordedRequest::path, RecordedRequest::tokenPresent, RecordedRequest::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PUT", ImdsEmulator.TOKEN_PATH, false, 200),
                        org.assertj.core.groups.Tuple.tuple("GET", "/latest/meta-data/spot/instance-action", true, 404),
                        org.assertj.core.groups.Tuple.tuple("GET", "/latest/meta-data/spot/instance-action", false, 401));
        assertThat(emulator.tokensIssued()).isEqualTo(1);
        assertThat(emulator.requestCount("/latest/meta-data/spot/")).isEqualTo(2);
        emulator.clearRequests();
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void controlApiDrivesTheSameOperations()
            throws Exception
    {
        String token = token(600);
        assertThat(control("PUT", "/control/time-mode", "{\"mode\":\"pinned\"}").statusCode()).isEqualTo(200);
        assertThat(emulator.timeMode()).isEqualTo(TimeMode.PINNED);

        assertThat(control("POST", "/control/spot-notice", "{\"action\":\"stop\",\"secondsUntilAction\":90}").statusCode()).isEqualTo(200);
        JsonNode notice = JSON.readTree(get("/latest/meta-data/spot/instance-action", token).body());
        assertThat(notice.get("action").asText()).isEqualTo("stop");
        assertThat(notice.get("time").asText()).isEqualTo("2026-11-22T10:01:30Z");

        control("POST", "/control/rebalance", "{\"noticeTime\":\"2026-11-22T09:59:00Z\"}");
        assertThat(get("/latest/meta-data/events/recommendations/rebalance", token).body()).contains("2026-11-22T09:59:00Z");

        control("POST", "/control/scheduled-events", "{\"code\":\"system-reboot\",\"eventId\":\"instance-event-1\",\"notBefore\":\"2026-11-23T00:00:00Z\"}");
        assertThat(get("/latest/meta-data/events/maintenance/scheduled", token).body()).contains("system-reboot", "23 Nov 2026 00:00:00 GMT");

        JsonNode state = JSON.readTree(control("GET", "/control/state", null).body());
        assertThat(state.get("spotNotice").get("action").asText()).isEqualTo("stop");
        assertThat(state.get("scheduledEvents").size()).isEqualTo(1);

        control("POST", "/control/faults", "{\"kind\":\"error-status\",\"status\":502,\"count\":1}");
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(502);
        control("POST", "/control/faults", "{\"kind\":\"drop\",\"durationMillis\":60000}");
        control("DELETE", "/control/faults", null);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(200);

        control("POST", "/control/tokens/expire", null);
        assertThat(get("/latest/meta-data/instance-id", token).statusCode()).isEqualTo(401);

        control("DELETE", "/control/notices", null);
        String fresh = token(600);
        assertThat(get("/latest/meta-data/spot/instance-action", fresh).statusCode()).isEqualTo(404);
        assertThat(get("/latest/meta-data/events/recommendations/rebalance", fresh).statusCode()).isEqualTo(404);

        JsonNode log = JSON.readTree(control("GET", "/control/requests", null).body());
        assertThat(log.size()).isEqualTo(emulator.requests().size());
        assertThat(control("POST", "/control/faults", "{\"kind\":\"nonsense\"}").statusCode()).isEqualTo(400);
        assertThat(control("POST", "/control/spot-notice", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void controlRequestsIgnoreFaults()
            throws Exception
    {
        emulator.failFor(Duration.ofMinutes(1), 500);
        emulator.dropFor(Duration.ofMinutes(1));
        assertThat(control("GET", "/control/state", null).statusCode()).isEqualTo(200);
    }

    @Test
    void eachEmulatorGetsItsOwnPort()
    {
        try (ImdsEmulator other = ImdsEmulator.start()) {
            assertThat(other.port()).isNotEqualTo(emulator.port());
            assertThat(other.identity().instanceId()).isNotEqualTo(emulator.identity().instanceId());
        }
    }

    private static boolean isValidNotice(String body)
    {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject()
                    && node.path("action").isTextual()
                    && java.util.Set.of("terminate", "stop", "hibernate").contains(node.path("action").asText())
                    && Instant.parse(node.path("time").asText()) != null;
        }
        catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String token(int ttlSeconds)
            throws Exception
    {
        HttpResponse<String> response = tokenRequest(String.valueOf(ttlSeconds));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> tokenRequest(String ttl)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(ImdsEmulator.TOKEN_PATH)).PUT(HttpRequest.BodyPublishers.noBody());
        if (ttl != null) {
            request.header(ImdsEmulator.TOKEN_TTL_HEADER, ttl);
        }
        return send(request.build());
    }

    private HttpResponse<String> get(String path, String token)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (token != null) {
            request.header(ImdsEmulator.TOKEN_HEADER, token);
        }
        return send(request.build());
    }

    private HttpResponse<String> control(String method, String path, String body)
            throws Exception
    {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return send(HttpRequest.newBuilder(uri(path)).method(method, publisher).build());
    }

    private HttpResponse<String> send(HttpRequest request)
            throws Exception
    {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path)
    {
        return emulator.endpoint().resolve(path);
    }
}
