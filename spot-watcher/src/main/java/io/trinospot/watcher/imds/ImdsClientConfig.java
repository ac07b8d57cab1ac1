package io.trinospot.watcher.imds;

import io.trinospot.watcher.config.WatcherConfig;

import java.net.URI;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

public record ImdsClientConfig(URI endpoint, Duration tokenTtl, Duration connectTimeout, Duration requestTimeout, boolean allowV1)
{
    public ImdsClientConfig
    {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(tokenTtl, "tokenTtl is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        if (tokenTtl.toSeconds() < 1 || tokenTtl.toSeconds() > 21600) {
            throw new IllegalArgumentException("tokenTtl must be 1s..6h: " + tokenTtl);
        }
    }

    public static ImdsClientConfig from(WatcherConfig config)
    {
        return new ImdsClientConfig(config.imdsEndpoint(), config.imdsTokenTtl(), config.imdsConnectTimeout(), config.imdsRequestTimeout(),
                config.imdsAllowV1());
    }

    /** Defaults for an endpoint: 6 h tokens, 1 s connect and 2 s request timeouts, IMDSv2 only. */
    public static ImdsClientConfig forEndpoint(URI endpoint)
    {
        return new ImdsClientConfig(endpoint, Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofSeconds(2), false);
    }

    public ImdsClientConfig withTokenTtl(Duration ttl)
    {
        return new ImdsClientConfig(endpoint, ttl, connectTimeout, requestTimeout, allowV1);
    }

    public ImdsClientConfig withRequestTimeout(Duration timeout)
    {
        return new ImdsClientConfig(endpoint, tokenTtl, connectTimeout, timeout, allowV1);
    }

    public ImdsClientConfig withAllowV1(boolean allow)
    {
        return new ImdsClientConfig(endpoint, tokenTtl, connectTimeout, requestTimeout, allow);
    }
}
