package io.trinospot.watcher.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestBlockingHttp
{
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/fixed", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("X-Test")
                    + " " + new String(body, StandardCharsets.UTF_8));
            byte[] answer = "fixed answer".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.createContext("/chunked", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    out.write(("part-" + i + ";").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });
        server.createContext("/missing", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown()
    {
        server.stop(0);
    }

    private URI uri(String path)
    {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void sendsHeadersAndBodyAndReadsFixedLengthAnswer()
            throws IOException
    {
        BlockingHttp.StringResponse response = BlockingHttp.sendForString(uri("/fixed?a=b%20c"), "PUT", Map.of("X-Test", "yes"),
                "\"SHUTTING_DOWN\"".getBytes(StandardCharsets.UTF_8), TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fixed answer");
        assertThat(received).containsExactly("PUT /fixed?a=b%20c yes \"SHUTTING_DOWN\"");
    }

    @Test
    void putWithoutBodySendsEmptyBody()
            throws IOException
    {
        BlockingHttp.StringResponse response = BlockingHttp.sendForString(uri("/fixed"), "PUT", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(200);
        assertThat(received).containsExactly("PUT /fixed null ");
    }

    @Test
    void readsChunkedAnswerAsStream()
            throws IOException
    {
        try (BlockingHttp.Response response = BlockingHttp.send(uri("/chunked"), "GET", Map.of(), null, TIMEOUT, TIMEOUT);
                InputStream body = response.body()) {
            assertThat(response.status()).isEqualTo(200);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                expected.append("part-").append(i).append(';');
            }
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        }
    }

    @Test
    void notFoundWithoutBody()
            throws IOException
    {
        BlockingHttp.StringResponse response = BlockingHttp.sendForString(uri("/missing"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void tooLargeAnswerIsAnError()
    {
        assertThatThrownBy(() -> BlockingHttp.sendForString(uri("/chunked"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 16))
                .isInstanceOf(BlockingHttp.BodyTooLargeException.class);
    }

    @Test
    void refusedConnectionIsConnectException()
            throws IOException
    {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> BlockingHttp.sendForString(URI.create("http://127.0.0.1:" + port + "/"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void silentServerTimesOut()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI silent = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
            long start = System.nanoTime();
            assertThatThrownBy(() -> BlockingHttp.sendForString(silent, "GET", Map.of(), null, TIMEOUT, Duration.ofMillis(300), 1024))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void garbageAndDroppedAnswersAreIoErrorsNotTimeouts()
            throws Exception
    {
        for (String answer : List.of("NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "")) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread serverThread = Thread.ofVirtual().start(() -> {
                    try (Socket client = socket.accept()) {
                        client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                    }
                    catch (IOException ignored) {
                        // the test sees the outcome on the client side
                    }
                });
                URI uri = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
                assertThatThrownBy(() -> BlockingHttp.sendForString(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024))
                        .as("answer %s", answer)
                        .isInstanceOf(IOException.class)
                        .isNotInstanceOf(HttpTimeoutException.class);
                serverThread.join();
            }
        }
    }
}
