package io.trinospot.watcher.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trinospot.watcher.imds.ImdsClient;
import io.trinospot.watcher.imds.ImdsClientConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metadata service that answers each path with exactly the body a test gives it, for answers the emulator is
 * too well-behaved to send (an unknown action, a time that does not parse, one bad entry in a list). Hands out
 * IMDSv2 tokens; a path without a body answers 404.
 */
public final class StubImds
        implements AutoCloseable
{
    private final HttpServer server;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();

    public StubImds()
    {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public void answer(String path, String body)
    {
        bodies.put(path, body);
    }

    public void clear(String path)
    {
        bodies.remove(path);
    }

    public ImdsClient client(InstantSource clock)
    {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new ImdsClient(ImdsClientConfig.forEndpoint(endpoint), clock);
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        String path = exchange.getRequestURI().getPath();
        String body;
        int status;
        if (exchange.getRequestMethod().equals("PUT") && path.equals(ImdsClient.TOKEN_PATH)) {
            status = 200;
            body = "stub-token";
        }
        else if (!"stub-token".equals(exchange.getRequestHeaders().getFirst(ImdsClient.TOKEN_HEADER))) {
            status = 401;
            body = "";
        }
        else {
            String answer = bodies.get(path);
            status = answer == null ? 404 : 200;
            body = answer == null ? "" : answer;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
