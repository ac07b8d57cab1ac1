package io.trinospot.watcher.imds;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * An IMDSv2 client: fetches a session token with a TTL, refreshes it before it expires, fetches a new one
 * when IMDS answers 401, and never waits longer than the request timeout for one answer.
 * <p>
 * It does not retry on errors itself (other than the single re-token on 401): the poll loops back off,
 * so a notice is never held up behind a retry storm. Tokenless (IMDSv1) requests are made only when
 * {@link ImdsClientConfig#allowV1()} is set and the token request fails.
 */
public final class ImdsClient
{
    public static final String TOKEN_PATH = "/latest/api/token";
    public static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    // Nothing IMDS serves for us is larger; anything bigger is garbage.
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final ImdsClientConfig config;
    private final InstantSource clock;
    private final HttpClient http;
    private final ReentrantLock tokenLock = new ReentrantLock();
    private volatile Optional<Token> token = Optional.empty();

    public ImdsClient(ImdsClientConfig config, InstantSource clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                // IMDS is link-local: a configured HTTP proxy must never see these requests.
                .proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public ImdsClientConfig config()
    {
        return config;
    }

    /**
     * GETs a metadata path such as {@code /latest/meta-data/spot/instance-action}.
     *
     * @return the body on 200, empty on 404 (IMDS's "nothing posted")
     * @throws ImdsException on any other outcome
     */
    public Optional<String> get(String path)
            throws ImdsException
    {
        Optional<String> session = sessionToken();
        HttpResponse<byte[]> response = send(metadataRequest(path, session));
        if (response.statusCode() == 401 && session.isPresent()) {
            // Expired or revoked behind our back (IMDS restart, clock jump): one fresh token, one retry.
            invalidate(session.get());
            session = sessionToken();
            response = send(metadataRequest(path, session));
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(body(response));
            case 404 -> Optional.empty();
            default -> throw new ImdsException(ImdsException.Kind.HTTP_STATUS, "GET " + path + " answered " + response.statusCode());
        };
    }

    /** Drops the cached token; the next request fetches a new one. */
    public void invalidateToken()
    {
        token = Optional.empty();
    }

    private HttpRequest metadataRequest(String path, Optional<String> session)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(config.requestTimeout()).GET();
        session.ifPresent(value -> request.header(TOKEN_HEADER, value));
        return request.build();
    }

    private Optional<String> sessionToken()
            throws ImdsException
    {
        Optional<Token> current = token;
        Instant now = clock.instant();
        if (current.isPresent() && now.isBefore(current.get().refreshAt())) {
            return Optional.of(current.get().value());
        }
        tokenLock.lock();
        try {
            current = token;
            if (current.isPresent() && now.isBefore(current.get().refreshAt())) {
                return Optional.of(current.get().value());
            }
            try {
                Token fresh = fetchToken();
                token = Optional.of(fresh);
                return Optional.of(fresh.value());
            }
            catch (ImdsException e) {
                if (config.allowV1()) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        finally {
            tokenLock.unlock();
        }
    }

    private Token fetchToken()
            throws ImdsException
    {
        Instant requestedAt = clock.instant();
        long ttlSeconds = config.tokenTtl().toSeconds();
        HttpRequest request = HttpRequest.newBuilder(uri(TOKEN_PATH))
                .timeout(config.requestTimeout())
                .header(TOKEN_TTL_HEADER, String.valueOf(ttlSeconds))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() != 200) {
            throw new ImdsException(ImdsException.Kind.TOKEN, "token request answered " + response.statusCode());
        }
        String value = body(response).trim();
        // A token is opaque, but it goes into a header: reject anything that could not be one.
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ImdsException(ImdsException.Kind.TOKEN, "token request returned an unusable token");
        }
        return new Token(value, requestedAt.plus(config.tokenTtl()).minus(refreshMargin(config.tokenTtl())));
    }

    // Refresh well before expiry so a request never carries a token that dies in flight.
    static Duration refreshMargin(Duration ttl)
    {
        Duration quarter = ttl.dividedBy(4);
        Duration minute = Duration.ofMinutes(1);
        return quarter.compareTo(minute) < 0 ? quarter : minute;
    }

    private void invalidate(String stale)
    {
        Optional<Token> current = token;
        if (current.isPresent() && current.get().value().equals(stale)) {
            token = Optional.empty();
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request)
            throws ImdsException
    {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (HttpConnectTimeoutException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, request.method() + " " + request.uri().getPath() + ": connect timed out", e);
        }
        catch (HttpTimeoutException e) {
            throw new ImdsException(ImdsException.Kind.TIMEOUT, request.method() + " " + request.uri().getPath() + ": no answer within "
                    + config.requestTimeout().toMillis() + " ms", e);
        }
        catch (ConnectException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, request.method() + " " + request.uri().getPath() + ": cannot connect", e);
        }
        catch (IOException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, request.method() + " " + request.uri().getPath() + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImdsException(ImdsException.Kind.CONNECTION, "interrupted", e);
        }
    }

    private static String body(HttpResponse<byte[]> response)
            throws ImdsException
    {
        byte[] bytes = response.body();
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, "answer of " + bytes.length + " bytes is too large");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private URI uri(String path)
    {
        return URI.create(config.endpoint() + path);
    }

    private record Token(String value, Instant refreshAt)
    {
        Token
        {
            requireNonNull(value, "value is null");
            requireNonNull(refreshAt, "refreshAt is null");
        }
    }
}
