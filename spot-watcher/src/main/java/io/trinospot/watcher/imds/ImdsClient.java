package io.trinospot.watcher.imds;

import io.trinospot.watcher.http.PlainHttp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
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
    private static final PlainHttp HTTP = PlainHttp.shared();

    private final ImdsClientConfig config;
    private final InstantSource clock;
    private final ReentrantLock tokenLock = new ReentrantLock();
    private volatile Optional<Token> token = Optional.empty();

    public ImdsClient(ImdsClientConfig config, InstantSource clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
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
        PlainHttp.StringResponse response = send("GET", path, sessionHeader(session));
        if (response.status() == 401 && session.isPresent()) {
            // Expired or revoked behind our back (IMDS restart, clock jump): one fresh token, one retry.
            invalidate(session.get());
            session = sessionToken();
            response = send("GET", path, sessionHeader(session));
        }
        return switch (response.status()) {
            case 200 -> Optional.of(response.body());
            case 404 -> Optional.empty();
            default -> throw new ImdsException(ImdsException.Kind.HTTP_STATUS, "GET " + path + " answered " + response.status());
        };
    }

    /** Drops the cached token; the next request fetches a new one. */
    public void invalidateToken()
    {
        token = Optional.empty();
    }

    private static Map<String, String> sessionHeader(Optional<String> session)
    {
        return session.map(value -> Map.of(TOKEN_HEADER, value)).orElse(Map.of());
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
        PlainHttp.StringResponse response = send("PUT", TOKEN_PATH, Map.of(TOKEN_TTL_HEADER, String.valueOf(ttlSeconds)));
        if (response.status() != 200) {
            throw new ImdsException(ImdsException.Kind.TOKEN, "token request answered " + response.status());
        }
        String value = response.body().trim();
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

    // IMDS is link-local: no proxy ever sees these requests, and redirects are not followed.
    private PlainHttp.StringResponse send(String method, String path, Map<String, String> headers)
            throws ImdsException
    {
        try {
            return HTTP.sendForString(uri(path), method, headers, null, config.connectTimeout(), config.requestTimeout(), MAX_BODY_BYTES);
        }
        catch (PlainHttp.BodyTooLargeException e) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, method + " " + path + ": answer larger than " + e.limit() + " bytes", e);
        }
        catch (HttpConnectTimeoutException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, method + " " + path + ": connect timed out", e);
        }
        catch (HttpTimeoutException e) {
            throw new ImdsException(ImdsException.Kind.TIMEOUT, method + " " + path + ": no answer within "
                    + config.requestTimeout().toMillis() + " ms", e);
        }
        catch (ConnectException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, method + " " + path + ": cannot connect", e);
        }
        catch (IOException e) {
            throw new ImdsException(ImdsException.Kind.CONNECTION, method + " " + path + ": " + e, e);
        }
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
