package io.trinospot.harness.imds;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Answers IMDS paths under {@code /latest/}: the token endpoint, instance metadata and the three notice paths.
 */
final class ImdsRequestHandler
        implements HttpHandler
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META_DATA = "/latest/meta-data/";

    // Bodies a confused or broken metadata service might send; rotated so each client sees several kinds.
    private static final List<String> MALFORMED_BODIES = List.of(
            "{\"action\": \"terminate\", \"time\": ",
            "<html><body>Service Unavailable</body></html>",
            "{\"action\":\"explode\",\"time\":\"yesterday\"}",
            "null",
            "[]",
            "",
            "{\"noticeTime\": 42, \"action\": [\"terminate\"]}",
            "\u0000\u0001garbage\uFFFD");

    private final ImdsEmulator emulator;
    private final AtomicInteger malformedCounter = new AtomicInteger();

    ImdsRequestHandler(ImdsEmulator emulator)
    {
        this.emulator = requireNonNull(emulator, "emulator is null");
    }

    @Override
    public void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Instant receivedAt = emulator.clock().instant();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean tokenPresent = exchange.getRequestHeaders().getFirst(ImdsEmulator.TOKEN_HEADER) != null;

            Optional<Fault> deciding = Optional.empty();
            Optional<Fault> trickle = Optional.empty();
            boolean delayed = false;
            for (Fault fault : emulator.takeFaults(path)) {
                if (fault.kind() == Fault.Kind.DELAY) {
                    sleep(fault.delay());
                    delayed = true;
                }
                else if (fault.kind() == Fault.Kind.TRICKLE) {
                    trickle = Optional.of(fault);
                }
                else {
                    deciding = Optional.of(fault);
                }
            }
            // The log names the fault that decided the answer, or DELAY when a delay was all that happened.
            Optional<Fault.Kind> trickleKind = trickle.map(Fault::kind);
            Optional<Fault.Kind> faultKind = deciding.map(Fault::kind)
                    .or(() -> trickleKind)
                    .or(delayed ? () -> Optional.of(Fault.Kind.DELAY) : Optional::empty);

            Answer answer;
            if (deciding.isPresent() && deciding.get().kind() == Fault.Kind.DROP) {
                // Closing an exchange before sending headers closes the socket: the client gets no answer at all.
                emulator.record(new RecordedRequest(receivedAt, method, path, tokenPresent, RecordedRequest.DROPPED, faultKind));
                return;
            }
            else if (deciding.isPresent() && deciding.get().kind() == Fault.Kind.ERROR_STATUS) {
                int status = deciding.get().status();
                answer = new Answer(status, status >= 500 ? "Internal Server Error" : "Error");
            }
            else if (deciding.isPresent() && deciding.get().kind() == Fault.Kind.MALFORMED) {
                answer = new Answer(200, MALFORMED_BODIES.get(Math.floorMod(malformedCounter.getAndIncrement(), MALFORMED_BODIES.size())));
            }
            else {
                answer = answer(exchange, method, path);
            }
            emulator.record(new RecordedRequest(receivedAt, method, path, tokenPresent, answer.status(), faultKind));
            send(exchange, answer, trickle.map(Fault::delay).orElse(Duration.ZERO));
        }
    }

    private static void sleep(Duration delay)
    {
        try {
            Thread.sleep(delay);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Answer answer(HttpExchange exchange, String method, String path)
    {
        if (path.equals(ImdsEmulator.TOKEN_PATH)) {
            return tokenAnswer(exchange, method);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return new Answer(405, "Method Not Allowed");
        }
        String token = exchange.getRequestHeaders().getFirst(ImdsEmulator.TOKEN_HEADER);
        if (token == null ? !emulator.allowsImdsV1() : !emulator.tokenValid(token)) {
            return new Answer(401, "Unauthorized");
        }
        if (path.startsWith(META_DATA) || path.equals("/latest/meta-data")) {
            return metadataAnswer(path.length() <= META_DATA.length() ? "" : path.substring(META_DATA.length()));
        }
        if (path.equals("/latest/dynamic/instance-identity/document")) {
            return new Answer(200, identityDocument());
        }
        return notFound();
    }

    private Answer tokenAnswer(HttpExchange exchange, String method)
    {
        if (!method.equals("PUT")) {
            return new Answer(405, "Method Not Allowed");
        }
        // Real IMDS refuses token requests that went through a proxy.
        if (exchange.getRequestHeaders().getFirst("X-Forwarded-For") != null) {
            return new Answer(403, "Forbidden");
        }
        String ttl = exchange.getRequestHeaders().getFirst(ImdsEmulator.TOKEN_TTL_HEADER);
        int seconds;
        try {
            seconds = Integer.parseInt(requireNonNull(ttl, "ttl").trim());
        }
        catch (RuntimeException e) {
            return new Answer(400, "Bad Request");
        }
        if (seconds < 1 || seconds > ImdsEmulator.MAX_TOKEN_TTL_SECONDS) {
            return new Answer(400, "Bad Request");
        }
        return new Answer(200, emulator.issueToken(seconds), Optional.of(String.valueOf(seconds)));
    }

    private Answer metadataAnswer(String key)
    {
        ImdsEmulator.InstanceIdentity identity = emulator.identity();
        String normalized = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        return switch (normalized) {
            case "" -> new Answer(200, String.join("\n", List.of(
                    "ami-id", "events/", "hostname", "instance-id", "instance-life-cycle", "instance-type",
                    "local-hostname", "local-ipv4", "placement/", "spot/")));
            case "ami-id" -> new Answer(200, identity.amiId());
            case "instance-id" -> new Answer(200, identity.instanceId());
            case "instance-type" -> new Answer(200, identity.instanceType());
            case "instance-life-cycle" -> new Answer(200, identity.lifeCycle().wireName());
            case "hostname", "local-hostname" -> new Answer(200, hostname(identity));
            case "local-ipv4" -> new Answer(200, identity.localIpv4());
            case "placement" -> new Answer(200, "availability-zone\nregion");
            case "placement/availability-zone" -> new Answer(200, identity.availabilityZone());
            case "placement/region" -> new Answer(200, identity.region());
            case "events" -> new Answer(200, "maintenance/\nrecommendations/");
            case "events/maintenance" -> new Answer(200, "scheduled");
            case "events/recommendations" -> new Answer(200, "rebalance");
            case "spot" -> emulator.visibleSpotNotice().isPresent() || emulator.spotNoticeBody().isPresent() ? new Answer(200, "instance-action\ntermination-time") : notFound();
            case "spot/instance-action" -> emulator.spotNoticeBody().map(body -> new Answer(200, body)).or(() -> emulator.visibleSpotNotice()
                    .map(notice -> {
                        ObjectNode body = JSON.createObjectNode();
                        body.put("action", notice.action().wireName());
                        body.put("time", ImdsTimeFormats.rfc3339(notice.time()));
                        return new Answer(200, body.toString());
                    }))
                    .orElseGet(ImdsRequestHandler::notFound);
            case "spot/termination-time" -> emulator.visibleSpotNotice()
                    .filter(notice -> notice.action() == SpotAction.TERMINATE)
                    .map(notice -> new Answer(200, ImdsTimeFormats.rfc3339(notice.time())))
                    .orElseGet(ImdsRequestHandler::notFound);
            case "events/recommendations/rebalance" -> emulator.visibleRebalanceNoticeTime()
                    .map(time -> new Answer(200, JSON.createObjectNode().put("noticeTime", ImdsTimeFormats.rfc3339(time)).toString()))
                    .orElseGet(ImdsRequestHandler::notFound);
            case "events/maintenance/scheduled" -> new Answer(200, scheduledEvents());
            default -> notFound();
        };
    }

    private String scheduledEvents()
    {
        ArrayNode array = JSON.createArrayNode();
        for (ScheduledEvent event : emulator.visibleScheduledEvents()) {
            ObjectNode node = array.addObject();
            node.put("Code", event.code());
            node.put("Description", event.description());
            node.put("State", event.state());
            node.put("EventId", event.eventId());
            node.put("NotBefore", ImdsTimeFormats.scheduledEvent(event.notBefore()));
            event.notAfter().ifPresent(time -> node.put("NotAfter", ImdsTimeFormats.scheduledEvent(time)));
            event.notBeforeDeadline().ifPresent(time -> node.put("NotBeforeDeadline", ImdsTimeFormats.scheduledEvent(time)));
        }
        return array.toString();
    }

    private String identityDocument()
    {
        ImdsEmulator.InstanceIdentity identity = emulator.identity();
        ObjectNode node = JSON.createObjectNode();
        node.put("instanceId", identity.instanceId());
        node.put("instanceType", identity.instanceType());
        node.put("availabilityZone", identity.availabilityZone());
        node.put("region", identity.region());
        node.put("imageId", identity.amiId());
        node.put("privateIp", identity.localIpv4());
        node.put("architecture", "x86_64");
        return node.toPrettyString();
    }

    private static String hostname(ImdsEmulator.InstanceIdentity identity)
    {
        return "ip-" + identity.localIpv4().replace('.', '-') + ".ec2.internal";
    }

    private static Answer notFound()
    {
        // IMDS answers unknown or not-yet-posted paths with an HTML 404 page.
        return new Answer(404, "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<html><head><title>404 - Not Found</title></head>"
                + "<body><h1>404 - Not Found</h1></body></html>");
    }

    private static void send(HttpExchange exchange, Answer answer, Duration perByte)
            throws IOException
    {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.getResponseHeaders().set("Server", "EC2ws");
        answer.ttlHeader().ifPresent(ttl -> exchange.getResponseHeaders().set(ImdsEmulator.TOKEN_TTL_HEADER, ttl));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(answer.status(), head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                if (perByte.isZero()) {
                    out.write(body);
                }
                else {
                    for (byte b : body) {
                        out.write(b);
                        out.flush();
                        sleep(perByte);
                    }
                }
            }
        }
    }

    private record Answer(int status, String body, Optional<String> ttlHeader)
    {
        Answer(int status, String body)
        {
            this(status, body, Optional.empty());
        }
    }
}
