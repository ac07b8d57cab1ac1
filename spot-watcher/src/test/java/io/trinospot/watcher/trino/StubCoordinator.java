package io.trinospot.watcher.trino;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trinospot.watcher.config.CoordinatorSecurity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The coordinator's HTTP API as a unit test scripts it: a JDK server on loopback whose answer to each request is a
 * status and a JSON body chosen from the request's path and body; every request is recorded.
 */
final class StubCoordinator
        implements AutoCloseable
{
    record Request(String method, String path, String user, String body) {}

    record Reply(int status, String json) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Reply> answers = request -> new Reply(404, "{}");

    StubCoordinator()
    {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.start();
    }

    void answers(Function<Request, Reply> answers)
    {
        this.answers = answers;
    }

    List<Request> requests()
    {
        return requests;
    }

    CoordinatorClient client(Optional<String> announceCatalog)
    {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new CoordinatorClient(uri, "trino-spot-watcher", "worker-1", Duration.ofSeconds(5), CoordinatorSecurity.NONE, announceCatalog);
    }

    private void answer(HttpExchange exchange)
            throws IOException
    {
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("X-Trino-User"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        requests.add(request);
        Reply reply = answers.apply(request);
        byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
