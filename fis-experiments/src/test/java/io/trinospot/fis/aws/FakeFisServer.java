package io.trinospot.fis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A stand-in for the FIS endpoint on 127.0.0.1. It records every request, checks its SigV4 signature with its own
 * implementation of the signing steps (not the SDK's), and answers with queued responses shaped like FIS's. As FIS
 * does, it answers a request for an operation FIS does not have with 404 and one that lacks a required member with
 * 400 ValidationException, without taking a queued response; a request with nothing queued for it gets a 400 that
 * names it, so a test that forgot one fails at once instead of being retried.
 */
final class FakeFisServer
        implements AutoCloseable
{
    static final String ACCESS_KEY = "AKIDFAKEFORTESTS";
    static final String SECRET_KEY = "fake-secret-for-tests";
    static final String REGION = "us-east-1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern EXPERIMENT = Pattern.compile("/experiments/[^/]+");
    // the required members of each request body, as FIS's API reference lists them
    private static final List<String> CREATE_TEMPLATE_REQUIRED = List.of("clientToken", "description", "stopConditions", "actions", "roleArn");
    private static final List<String> START_EXPERIMENT_REQUIRED = List.of("clientToken", "experimentTemplateId");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

    /** What the server saw, and whether the signature checked out. */
    record Request(String method, String path, JsonNode body, String authorization, String signedHeaders, boolean signatureValid, String contentType) {}

    record Response(int status, String body, String errorType) {}

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Response> responses = new ArrayDeque<>();

    FakeFisServer()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized FakeFisServer answer(String body)
    {
        responses.add(new Response(200, body, null));
        return this;
    }

    synchronized FakeFisServer fail(int status, String errorType, String body)
    {
        responses.add(new Response(status, body, errorType));
        return this;
    }

    /** FIS throttling the caller: 400 ThrottlingException, as FIS's common errors document it. */
    FakeFisServer throttle()
    {
        return fail(400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
    }

    /** A failure on FIS's side: 503 ServiceUnavailableException. */
    FakeFisServer unavailable()
    {
        return fail(503, "ServiceUnavailableException", "{\"message\":\"Service is unavailable, try again later\"}");
    }

    List<Request> requests()
    {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        byte[] payload = exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String signedHeaders = "";
        boolean valid = false;
        if (authorization != null) {
            Matcher matcher = AUTHORIZATION.matcher(authorization);
            if (matcher.matches()) {
                signedHeaders = matcher.group(5);
                valid = matcher.group(1).equals(ACCESS_KEY) && matcher.group(3).equals(REGION) && matcher.group(4).equals("fis")
                        && matcher.group(6).equals(expectedSignature(exchange, payload, matcher.group(2), signedHeaders));
            }
        }
        JsonNode body = payload.length == 0 ? null : MAPPER.readTree(payload);
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body, authorization, signedHeaders, valid,
                exchange.getRequestHeaders().getFirst("Content-Type")));

        Response response = refusal(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body);
        if (response == null) {
            synchronized (this) {
                response = responses.isEmpty()
                        ? new Response(400, "{\"message\":\"fake FIS: no response queued for " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + "\"}", "ValidationException")
                        : responses.poll();
            }
        }
        byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (response.errorType() != null) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", response.errorType());
        }
        exchange.sendResponseHeaders(response.status(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    /** What FIS answers before looking at the request any further: an unknown operation, a missing required member. */
    private static Response refusal(String method, String path, JsonNode body)
    {
        List<String> required;
        if (method.equals("POST") && path.equals("/experimentTemplates")) {
            required = CREATE_TEMPLATE_REQUIRED;
        }
        else if (method.equals("POST") && path.equals("/experiments")) {
            required = START_EXPERIMENT_REQUIRED;
        }
        else if ((method.equals("GET") || method.equals("DELETE")) && EXPERIMENT.matcher(path).matches()) {
            required = List.of();
        }
        else {
            return new Response(404, "{\"message\":\"No operation for " + method + " " + path + "\"}", "UnknownOperationException");
        }
        for (String member : required) {
            if (body == null || body.path(member).isMissingNode() || body.path(member).isNull()) {
                return new Response(400, "{\"message\":\"1 validation error detected: Value null at '" + member + "' failed to satisfy constraint: Member must not be null\"}",
                        "ValidationException");
            }
        }
        return null;
    }

    /** SigV4 from its definition: canonical request, string to sign, derived key. */
    private static String expectedSignature(HttpExchange exchange, byte[] payload, String date, String signedHeaders)
    {
        try {
            String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
            if (amzDate == null || !amzDate.startsWith(date)) {
                return "no x-amz-date";
            }
            String canonicalHeaders = Arrays.stream(signedHeaders.split(";"))
                    .map(name -> name + ":" + String.join(",", exchange.getRequestHeaders().getOrDefault(name, List.of()).stream().map(String::strip).toList()) + "\n")
                    .collect(Collectors.joining());
            String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            String canonicalRequest = String.join("\n",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    query,
                    canonicalHeaders,
                    signedHeaders,
                    hex(MessageDigest.getInstance("SHA-256").digest(payload)));
            String scope = date + "/" + REGION + "/fis/aws4_request";
            String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope,
                    hex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
            byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), date);
            key = hmac(key, REGION);
            key = hmac(key, "fis");
            key = hmac(key, "aws4_request");
            return hex(hmac(key, stringToSign));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data)
            throws GeneralSecurityException
    {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
