package io.trinospot.harness.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TestSimulatedWorkerFleet
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "a-shared-secret-for-this-test";

    private final HttpClient client = HttpClient.newHttpClient();
    private final FakeCoordinator coordinator = new FakeCoordinator(204);
    private final SimulatedWorkerFleet fleet = new SimulatedWorkerFleet(coordinator.uri(), "trinospot", "483", SECRET, "sim-");

    @AfterEach
    void tearDown()
    {
        fleet.close();
        coordinator.close();
        client.close();
    }

    @Test
    void infoHasTheFieldsOfA483Worker()
            throws Exception
    {
        SimulatedWorker worker = fleet.add(1).getFirst();

        HttpResponse<String> response = get(worker, "/v1/info", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode info = JSON.readTree(response.body());
        assertThat(fieldNames(info)).containsExactlyInAnyOrder("nodeId", "state", "nodeVersion", "environment", "coordinator",
                "starting", "uptime");
        assertThat(info.get("nodeId").asText()).isEqualTo("sim-1");
        assertThat(info.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(info.get("nodeVersion").get("version").asText()).isEqualTo("483");
        assertThat(info.get("environment").asText()).isEqualTo("trinospot");
        assertThat(info.get("coordinator").asBoolean()).isFalse();
        assertThat(info.get("starting").asBoolean()).isFalse();
        assertThat(info.get("uptime").asText()).matches("\\d+\\.\\d{2}(ns|us|ms|s|m|h|d)");

        HttpResponse<String> state = get(worker, "/v1/info/state", Map.of());
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).isEqualTo("\"ACTIVE\"");

        JsonNode status = JSON.readTree(get(worker, "/v1/status", Map.of()).body());
        assertThat(fieldNames(status)).containsExactlyInAnyOrder("nodeId", "nodeVersion", "environment", "coordinator", "uptime",
                "externalAddress", "internalAddress", "memoryInfo", "processors", "processCpuLoad", "systemCpuLoad", "heapUsed",
                "heapAvailable", "nonHeapUsed");
        HttpResponse<Void> ping = client.send(HttpRequest.newBuilder(worker.uri().resolve("/v1/status")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(ping.statusCode()).isEqualTo(200);
    }

    @Test
    void answersHttp2WithoutTlsAsTheCoordinatorsClientSpeaksIt()
            throws Exception
    {
        SimulatedWorker worker = fleet.add(1).getFirst();

        // prior knowledge, no upgrade: Trino's internal client (internal-communication.http2.enabled, on by default)
        org.eclipse.jetty.client.HttpClient http2 = new org.eclipse.jetty.client.HttpClient(
                new org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2(new org.eclipse.jetty.http2.client.HTTP2Client()));
        http2.start();
        try {
            org.eclipse.jetty.client.ContentResponse response = http2.newRequest(worker.uri().resolve("/v1/info"))
                    .headers(headers -> headers.put("Content-Type", "application/json; charset=utf-8"))
                    .send();
            assertThat(response.getVersion()).isEqualTo(org.eclipse.jetty.http.HttpVersion.HTTP_2);
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(JSON.readTree(response.getContentAsString()).get("nodeId").asText()).isEqualTo("sim-1");
        }
        finally {
            http2.stop();
        }
        assertThat(worker.requestCounts()).containsEntry("GET /v1/info", 1L);
    }

    @Test
    void perRequestWorkDoesNotGrowWithTheFleet()
            throws Exception
    {
        List<SimulatedWorker> workers = fleet.add(5);

        // a customizer per port made every answer walk every port
        assertThat(fleet.requestCustomizers()).isZero();
        for (SimulatedWorker worker : workers) {
            HttpResponse<String> response = get(worker, "/v1/info", Map.of());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Alt-Svc")).isEmpty();
        }
    }

    @Test
    void flippedStateShowsInInfoAndStateAndCanBeFlippedBack()
            throws Exception
    {
        SimulatedWorker worker = fleet.add(2).getLast();

        worker.state(WorkerState.SHUTTING_DOWN);
        assertThat(JSON.readTree(get(worker, "/v1/info", Map.of()).body()).get("state").asText()).isEqualTo("SHUTTING_DOWN");
        assertThat(get(worker, "/v1/info/state", Map.of()).body()).isEqualTo("\"SHUTTING_DOWN\"");
        assertThat(JSON.readTree(get(fleet.worker("sim-1"), "/v1/info", Map.of()).body()).get("state").asText()).isEqualTo("ACTIVE");

        worker.state(WorkerState.ACTIVE);
        assertThat(get(worker, "/v1/info/state", Map.of()).body()).isEqualTo("\"ACTIVE\"");
    }

    @Test
    void memoryNeedsAValidInternalToken()
            throws Exception
    {
        SimulatedWorker worker = fleet.add(1).getFirst();

        assertThat(get(worker, "/v1/memory", Map.of()).statusCode()).isEqualTo(401);
        String foreign = new InternalToken("another-secret", Clock.systemUTC()).mint("coordinator", Duration.ofMinutes(1));
        assertThat(get(worker, "/v1/memory", Map.of(InternalToken.HEADER, foreign)).statusCode()).isEqualTo(401);
        String expired = new InternalToken(SECRET, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))).mint("coordinator", Duration.ofMinutes(1));
        assertThat(get(worker, "/v1/memory", Map.of(InternalToken.HEADER, expired)).statusCode()).isEqualTo(401);

        HttpResponse<String> memory = get(worker, "/v1/memory", Map.of(InternalToken.HEADER, coordinatorToken()));
        assertThat(memory.statusCode()).isEqualTo(200);
        assertThat(memory.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = JSON.readTree(memory.body());
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("availableProcessors", "systemCpuLoad", "pool");
        assertThat(fieldNames(body.get("pool"))).containsExactlyInAnyOrder("maxBytes", "freeBytes", "reservedBytes", "reservedRevocableBytes",
                "queryMemoryReservations", "queryMemoryAllocations", "taskMemoryReservations", "taskMemoryRevocableReservations");
    }

    @Test
    void putStateChecksCredentialsAndKeepsShuttingDownOneWay()
            throws Exception
    {
        SimulatedWorker worker = fleet.add(1).getFirst();

        assertThat(putState(worker, "SHUTTING_DOWN", Map.of()).statusCode()).isEqualTo(401);
        assertThat(putState(worker, "SHUTTING_DOWN", Map.of("X-Trino-User", "admin")).statusCode()).isEqualTo(403);
        assertThat(worker.state()).isEqualTo(WorkerState.ACTIVE);

        Map<String, String> internal = Map.of(InternalToken.HEADER, coordinatorToken());
        assertThat(putState(worker, "DRAINING", internal).statusCode()).isEqualTo(200);
        assertThat(putState(worker, "ACTIVE", internal).statusCode()).isEqualTo(200);
        assertThat(putState(worker, "SHUTTING_DOWN", internal).statusCode()).isEqualTo(200);
        assertThat(worker.state()).isEqualTo(WorkerState.SHUTTING_DOWN);
        assertThat(putState(worker, "ACTIVE", internal).statusCode()).isEqualTo(400);
        assertThat(putState(worker, "NO_SUCH_STATE", internal).statusCode()).isEqualTo(400);
        assertThat(worker.state()).isEqualTo(WorkerState.SHUTTING_DOWN);
    }

    @Test
    void countsEveryRequestByMethodAndPath()
            throws Exception
    {
        List<SimulatedWorker> workers = fleet.add(2);
        SimulatedWorker first = workers.getFirst();

        get(first, "/v1/info", Map.of());
        get(first, "/v1/info", Map.of());
        get(first, "/v1/info/state", Map.of());
        get(first, "/v1/memory", Map.of(InternalToken.HEADER, coordinatorToken()));
        HttpResponse<String> task = client.send(HttpRequest.newBuilder(first.uri().resolve("/v1/task/20261202_000000_00000_abcde.0.0.0"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(task.statusCode()).isEqualTo(404);
        get(workers.getLast(), "/v1/info", Map.of());

        assertThat(first.requestCounts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "GET /v1/info", 2L,
                "GET /v1/info/state", 1L,
                "GET /v1/memory", 1L,
                "POST /v1/task/…", 1L));
        assertThat(first.totalRequests()).isEqualTo(5);
        assertThat(fleet.requestCounts()).containsEntry("GET /v1/info", 3L);
    }

    @Test
    void announcesItsUriToTheCoordinatorWithAnInternalTokenTrinoAccepts()
            throws Exception
    {
        List<SimulatedWorker> workers = fleet.add(2);

        fleet.announceOnce().join();

        assertThat(coordinator.announcements).hasSize(2);
        assertThat(coordinator.announcements).extracting(Announcement::body)
                .containsExactlyInAnyOrderElementsOf(workers.stream().map(worker -> worker.uri().toString()).toList());
        for (Announcement announcement : coordinator.announcements) {
            assertThat(announcement.contentType()).isEqualTo("text/plain");
            SimulatedWorker sender = workers.stream().filter(worker -> worker.uri().toString().equals(announcement.body())).findFirst().orElseThrow();
            assertThat(independentlyVerifiedSubject(announcement.token())).isEqualTo(sender.nodeId());
        }
        assertThat(fleet.announcements()).isEqualTo(2);
        assertThat(fleet.failedAnnouncements()).isZero();
    }

    @Test
    void countsAnnouncementsTheCoordinatorRefuses()
    {
        try (FakeCoordinator refusing = new FakeCoordinator(401);
                SimulatedWorkerFleet refused = new SimulatedWorkerFleet(refusing.uri(), "trinospot", "483", SECRET, "sim-")) {
            refused.add(1);
            refused.announceOnce().join();
            assertThat(refused.announcements()).isZero();
            assertThat(refused.failedAnnouncements()).isEqualTo(1);
            assertThat(refused.lastFailure()).contains("sim-1: HTTP 401");
        }
    }

    @Test
    void answerFieldsListStatusMediaTypeAndNestedFields()
    {
        SimulatedWorker worker = fleet.add(1).getFirst();

        Map<String, java.util.Set<String>> answers = fleet.answerFields(worker.uri());

        assertThat(answers).containsOnlyKeys("/v1/info", "/v1/info/state", "/v1/status", "/v1/memory");
        assertThat(answers.get("/v1/info")).contains("HTTP 200", "Content-Type: application/json", "nodeVersion", "nodeVersion.version", "state");
        assertThat(answers.get("/v1/info/state")).containsExactlyInAnyOrder("HTTP 200", "Content-Type: application/json");
        assertThat(answers.get("/v1/memory")).contains("HTTP 200", "pool", "pool.maxBytes");
        assertThat(answers.get("/v1/status")).contains("memoryInfo.pool.freeBytes");
    }

    @Test
    void durationsAreWrittenAsAirliftWritesThem()
    {
        assertThat(AirliftDurations.format(Duration.ofMillis(250))).isEqualTo("250.00ms");
        assertThat(AirliftDurations.format(Duration.ofMillis(12_500))).isEqualTo("12.50s");
        assertThat(AirliftDurations.format(Duration.ofSeconds(90))).isEqualTo("1.50m");
        assertThat(AirliftDurations.format(Duration.ofHours(49))).isEqualTo("2.04d");
        assertThat(AirliftDurations.format(Duration.ofNanos(5))).isEqualTo("5.00ns");
    }

    @Test
    void tokensExpire()
    {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        InternalToken minting = new InternalToken(SECRET, Clock.fixed(now, ZoneOffset.UTC));
        String token = minting.mint("sim-1", Duration.ofMinutes(5));
        assertThat(new InternalToken(SECRET, Clock.fixed(now.plusSeconds(299), ZoneOffset.UTC)).isValid(token)).isTrue();
        assertThat(new InternalToken(SECRET, Clock.fixed(now.plusSeconds(300), ZoneOffset.UTC)).isValid(token)).isFalse();
        assertThat(minting.isValid(token.substring(0, token.length() - 2))).isFalse();
        assertThat(minting.isValid("not-a-token")).isFalse();
    }

    private HttpResponse<String> get(SimulatedWorker worker, String path, Map<String, String> headers)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(worker.uri().resolve(path)).GET();
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> putState(SimulatedWorker worker, String state, Map<String, String> headers)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(worker.uri().resolve("/v1/info/state"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("\"" + state + "\""));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String coordinatorToken()
    {
        return new InternalToken(SECRET, Clock.systemUTC()).mint("coordinator", Duration.ofMinutes(1));
    }

    private static List<String> fieldNames(JsonNode node)
    {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    /**
     * Checks an HS256 token against the key derived by RFC 5869 step by step (extract with a zero salt, one expand
     * round), not through the JDK's KDF the simulator uses, and returns its subject.
     */
    private static String independentlyVerifiedSubject(String token)
            throws Exception
    {
        Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = extract.doFinal(SECRET.getBytes(StandardCharsets.UTF_8));
        Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update("internal-communication".getBytes(StandardCharsets.UTF_8));
        byte[] key = expand.doFinal(new byte[] {1});

        String[] parts = token.split("\\.");
        Mac sign = Mac.getInstance("HmacSHA256");
        sign.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = sign.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(expected);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
        return claims.get("sub").asText();
    }

    private record Announcement(String body, String contentType, String token) {}

    /** The coordinator's announcement endpoint, answering every announcement with one status. */
    private static final class FakeCoordinator
            implements AutoCloseable
    {
        final List<Announcement> announcements = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakeCoordinator(int status)
        {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            }
            catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/v1/announce", exchange -> {
                try (exchange) {
                    if (exchange.getRequestMethod().equals("POST")) {
                        announcements.add(new Announcement(
                                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                                exchange.getRequestHeaders().getFirst("Content-Type"),
                                exchange.getRequestHeaders().getFirst(InternalToken.HEADER)));
                    }
                    exchange.sendResponseHeaders(status, -1);
                }
            });
            server.start();
        }

        URI uri()
        {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close()
        {
            server.stop(0);
        }
    }
}
