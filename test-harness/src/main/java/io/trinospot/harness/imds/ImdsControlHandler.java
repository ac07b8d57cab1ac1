package io.trinospot.harness.imds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The emulator's control API: the Java methods of {@link ImdsEmulator} as JSON over HTTP, for processes
 * (benchmarks, the FIS runner, a shell) that do not share the emulator's JVM. Times are RFC 3339.
 * <pre>
 * POST   /control/spot-notice        {"action":"terminate","time":"...Z"} or {"action":"stop","secondsUntilAction":120}
 *                                    optional "visibleAt":"...Z" or "visibleInSeconds":n
 * DELETE /control/spot-notice
 * POST   /control/rebalance          {"noticeTime":"...Z"} (default now), optional visibleAt / visibleInSeconds
 * DELETE /control/rebalance
 * POST   /control/scheduled-events   {"code":"instance-stop","eventId":"...","notBefore":"...Z", optional "state",
 *                                    "description", "notAfter", "notBeforeDeadline", visibleAt / visibleInSeconds}
 * DELETE /control/scheduled-events
 * DELETE /control/notices            all of the above
 * PUT    /control/time-mode          {"mode":"moving"|"pinned"}
 * POST   /control/faults             {"kind":"error-status|delay|drop|malformed","status":503,"delayMillis":3000,
 *                                     "count":3 | "durationMillis":5000, "pathPrefix":"/latest/"}
 * DELETE /control/faults
 * POST   /control/tokens/expire      every issued token expires now
 * POST   /control/tokens/revoke      every issued token is forgotten
 * GET    /control/requests           the request log; DELETE clears it
 * GET    /control/state              identity, visible notices, time mode
 * </pre>
 */
final class ImdsControlHandler
        implements HttpHandler
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImdsEmulator emulator;

    ImdsControlHandler(ImdsEmulator emulator)
    {
        this.emulator = requireNonNull(emulator, "emulator is null");
    }

    @Override
    public void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath().replaceAll("/+$", "");
            JsonNode body;
            try {
                body = requestBody.length == 0 ? JSON.createObjectNode() : JSON.readTree(requestBody);
            }
            catch (IOException e) {
                send(exchange, 400, error("body is not JSON: " + e.getMessage()));
                return;
            }
            JsonNode answer;
            try {
                answer = route(route, body);
            }
            catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
                send(exchange, 400, error(String.valueOf(e.getMessage())));
                return;
            }
            if (answer == null) {
                send(exchange, 404, error("no such control operation: " + route));
                return;
            }
            send(exchange, 200, answer);
        }
    }

    private JsonNode route(String route, JsonNode body)
    {
        Instant now = emulator.clock().instant();
        switch (route) {
            case "POST /control/spot-notice" -> {
                SpotAction action = SpotAction.fromWireName(text(body, "action").orElse("terminate"));
                Instant time = instant(body, "time").orElseGet(() -> now.plusSeconds(body.path("secondsUntilAction").asLong(120)));
                emulator.postSpotNotice(action, time, visibleAt(body, now));
            }
            case "DELETE /control/spot-notice" -> emulator.clearSpotNotice();
            case "POST /control/rebalance" -> emulator.postRebalanceRecommendation(instant(body, "noticeTime").orElse(now), visibleAt(body, now));
            case "DELETE /control/rebalance" -> emulator.clearRebalanceRecommendation();
            case "POST /control/scheduled-events" -> emulator.postScheduledEvent(
                    new ScheduledEvent(
                            text(body, "code").orElseThrow(() -> new IllegalArgumentException("code is required")),
                            text(body, "description").orElse("The instance is scheduled for maintenance"),
                            text(body, "state").orElse("active"),
                            text(body, "eventId").orElseThrow(() -> new IllegalArgumentException("eventId is required")),
                            instant(body, "notBefore").orElseThrow(() -> new IllegalArgumentException("notBefore is required")),
                            instant(body, "notAfter"),
                            instant(body, "notBeforeDeadline")),
                    visibleAt(body, now));
            case "DELETE /control/scheduled-events" -> emulator.clearScheduledEvents();
            case "DELETE /control/notices" -> emulator.clearNotices();
            case "PUT /control/time-mode", "POST /control/time-mode" ->
                    emulator.setTimeMode(TimeMode.valueOf(text(body, "mode").orElseThrow(() -> new IllegalArgumentException("mode is required"))
                            .toUpperCase(Locale.ROOT)));
            case "POST /control/faults" -> emulator.inject(fault(body));
            case "DELETE /control/faults" -> emulator.clearFaults();
            case "POST /control/tokens/expire" -> emulator.expireTokens();
            case "POST /control/tokens/revoke" -> emulator.revokeTokens();
            case "GET /control/requests" -> {
                return requestLog();
            }
            case "DELETE /control/requests" -> emulator.clearRequests();
            case "GET /control/state" -> {
                return state();
            }
            default -> {
                return null;
            }
        }
        return JSON.createObjectNode().put("ok", true);
    }

    private static Fault fault(JsonNode body)
    {
        String kind = text(body, "kind").orElseThrow(() -> new IllegalArgumentException("kind is required"));
        Fault fault = switch (kind.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "error-status", "status", "5xx" -> Fault.errorStatus(body.path("status").asInt(500));
            case "delay" -> Fault.delay(Duration.ofMillis(body.path("delayMillis").asLong(3000)));
            case "drop" -> Fault.drop();
            case "malformed" -> Fault.malformed();
            default -> throw new IllegalArgumentException("unknown fault kind: " + kind);
        };
        if (body.has("durationMillis")) {
            fault = fault.during(Duration.ofMillis(body.get("durationMillis").asLong()));
        }
        else {
            fault = fault.times(body.path("count").asInt(1));
        }
        return text(body, "pathPrefix").map(fault::onPath).orElse(fault);
    }

    private JsonNode requestLog()
    {
        ArrayNode array = JSON.createArrayNode();
        for (RecordedRequest request : emulator.requests()) {
            ObjectNode node = array.addObject();
            node.put("receivedAt", request.receivedAt().toString());
            node.put("method", request.method());
            node.put("path", request.path());
            node.put("tokenPresent", request.tokenPresent());
            node.put("status", request.status());
            request.fault().ifPresent(kind -> node.put("fault", kind.name()));
        }
        return array;
    }

    private JsonNode state()
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("instanceId", emulator.identity().instanceId());
        node.put("lifeCycle", emulator.identity().lifeCycle().wireName());
        node.put("timeMode", emulator.timeMode().name().toLowerCase(Locale.ROOT));
        emulator.visibleSpotNotice().ifPresent(notice -> node.putObject("spotNotice")
                .put("action", notice.action().wireName())
                .put("time", ImdsTimeFormats.rfc3339(notice.time())));
        emulator.visibleRebalanceNoticeTime().ifPresent(time -> node.put("rebalanceNoticeTime", ImdsTimeFormats.rfc3339(time)));
        ArrayNode events = node.putArray("scheduledEvents");
        emulator.visibleScheduledEvents().forEach(event -> events.addObject()
                .put("eventId", event.eventId())
                .put("code", event.code())
                .put("state", event.state())
                .put("notBefore", ImdsTimeFormats.rfc3339(event.notBefore())));
        return node;
    }

    private static Instant visibleAt(JsonNode body, Instant now)
    {
        if (body.has("visibleInSeconds")) {
            return now.plusMillis(Math.round(body.get("visibleInSeconds").asDouble() * 1000));
        }
        return instant(body, "visibleAt").orElse(now);
    }

    private static Optional<String> text(JsonNode body, String field)
    {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<Instant> instant(JsonNode body, String field)
    {
        return text(body, field).map(Instant::parse);
    }

    private static ObjectNode error(String message)
    {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body)
            throws IOException
    {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
