package io.trinospot.watcher.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /healthz}: 200 and {@code ok} while every check of {@link Health} passes, else 503 and one line per
 * problem; {@code GET /metrics}: Prometheus text, the health checks as gauges included.
 */
public final class StatusServer
        implements AutoCloseable
{
    private final HttpServer server;

    public StatusServer(String bindAddress, int port, WatcherMetrics metrics, Supplier<Health.Report> health)
    {
        requireNonNull(metrics, "metrics is null");
        requireNonNull(health, "health is null");
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot bind status server to " + bindAddress + ":" + port, e);
        }
        // One thread is plenty for a scrape every few seconds and keeps the footprint small.
        server.setExecutor(Executors.newSingleThreadExecutor(Thread.ofPlatform().name("status-http").daemon().factory()));
        server.createContext("/healthz", exchange -> {
            Health.Report report = health.get();
            String body = report.healthy() ? "ok\n" : String.join("\n", report.problems()) + "\n";
            respond(exchange, report.healthy() ? 200 : 503, "text/plain; charset=utf-8", body);
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.render() + health.get().prometheus()));
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain", "not found\n"));
        server.start();
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException
    {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
