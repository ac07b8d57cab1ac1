package io.trinospot.watcher.http;

import com.sun.net.httpserver.HttpServer;
import io.trinospot.watcher.testing.TricklingPeer;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestPlainHttp
{
    // Long enough never to run out: the deadline tests fire the alarm themselves.
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final ManualAlarm alarm = new ManualAlarm();
    private final PlainHttp http = new PlainHttp(alarm);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void setUp()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/fixed", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " X-Test=" + exchange.getRequestHeaders().getFirst("X-Test")
                    + " Content-Length=" + exchange.getRequestHeaders().getFirst("Content-Length") + " " + new String(body, StandardCharsets.UTF_8));
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
        server.createContext("/status", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = Integer.parseInt(exchange.getRequestURI().getQuery());
            byte[] answer = ("answered " + status).getBytes(StandardCharsets.UTF_8);
            if (status / 100 == 3) {
                exchange.getResponseHeaders().set("Location", "/fixed");
            }
            if (status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
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
        PlainHttp.StringResponse response = http.sendForString(uri("/fixed?a=b%20c"), "PUT", Map.of("X-Test", "yes"),
                "\"SHUTTING_DOWN\"".getBytes(StandardCharsets.UTF_8), TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fixed answer");
        assertThat(received).containsExactly("PUT /fixed?a=b%20c X-Test=yes Content-Length=15 \"SHUTTING_DOWN\"");
        assertThat(alarm.set).as("one deadline per request").hasValue(1);
        assertThat(alarm.pending()).as("cancelled once answered").isZero();
    }

    @Test
    void putWithoutBodySendsEmptyBody()
            throws IOException
    {
        PlainHttp.StringResponse response = http.sendForString(uri("/fixed"), "PUT", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(200);
        assertThat(received).containsExactly("PUT /fixed X-Test=null Content-Length=0 ");
    }

    @Test
    void readsChunkedAnswerAsStreamWithinTheDeadline()
            throws IOException
    {
        String body = http.exchange(uri("/chunked"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(alarm.pending()).as("the deadline covers reading the body").isEqualTo(1);
            return new String(answer.body().readAllBytes(), StandardCharsets.UTF_8);
        });
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            expected.append("part-").append(i).append(';');
        }
        assertThat(body).isEqualTo(expected.toString());
        assertThat(alarm.pending()).as("cancelled once read").isZero();
    }

    @Test
    void notFoundWithoutBody()
            throws IOException
    {
        PlainHttp.StringResponse response = http.sendForString(uri("/missing"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void errorStatusesAreAnswersWithTheirBodies()
            throws IOException
    {
        for (int status : List.of(400, 403, 500, 503)) {
            PlainHttp.StringResponse response = http.sendForString(uri("/status?" + status), "POST", Map.of(), "x".getBytes(StandardCharsets.UTF_8),
                    TIMEOUT, TIMEOUT, 1024);
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.body()).isEqualTo("answered " + status);
        }
    }

    @Test
    void unauthorizedIsAnAnswerWithOrWithoutARequestBody()
            throws IOException
    {
        PlainHttp.StringResponse get = http.sendForString(uri("/status?401"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(get.status()).isEqualTo(401);
        assertThat(get.body()).isEqualTo("answered 401");
        PlainHttp.StringResponse put = http.sendForString(uri("/status?401"), "PUT", Map.of(), "\"ACTIVE\"".getBytes(StandardCharsets.UTF_8), TIMEOUT, TIMEOUT, 1024);
        assertThat(put.status()).isEqualTo(401);
        assertThat(put.body()).as("dropped by the JDK in streaming mode").isEmpty();
    }

    @Test
    void redirectsAreNotFollowed()
            throws IOException
    {
        PlainHttp.StringResponse response = http.sendForString(uri("/status?302"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        assertThat(response.status()).isEqualTo(302);
        assertThat(received).isEmpty();
    }

    @Test
    void tooLargeAnswerIsAnError()
    {
        assertThatThrownBy(() -> http.sendForString(uri("/chunked"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 16))
                .isInstanceOf(PlainHttp.BodyTooLargeException.class)
                .hasMessage("answer larger than 16 bytes");
    }

    @Test
    void onlyPlainHttp()
    {
        assertThatThrownBy(() -> http.sendForString(URI.create("https://127.0.0.1/"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 16))
                .isInstanceOf(IOException.class)
                .hasMessage("unsupported URI (plain http only): https://127.0.0.1/");
    }

    @Test
    void refusedConnectionIsConnectException()
            throws IOException
    {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> http.sendForString(URI.create("http://127.0.0.1:" + port + "/"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void silentServerTimesOutWhenTheDeadlineComes()
            throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI silent = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
            CompletableFuture<PlainHttp.StringResponse> call = CompletableFuture.supplyAsync(() -> sendQuietly(silent));
            try (Socket accepted = socket.accept()) {
                TricklingPeer.readRequestHead(accepted.getInputStream());
                // The request is sent and the client waits for the answer: its time is up.
                alarm.fire();
                assertThat(causeOf(call)).isInstanceOf(HttpTimeoutException.class).hasMessage("no answer within 60000 ms");
            }
        }
    }

    @Test
    void slowBodyTimesOutWhenTheDeadlineComes()
            throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI slow = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
            CompletableFuture<PlainHttp.StringResponse> call = CompletableFuture.supplyAsync(() -> sendQuietly(slow));
            try (Socket accepted = socket.accept()) {
                TricklingPeer.readRequestHead(accepted.getInputStream());
                OutputStream out = accepted.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                alarm.fire();
                // More of the body, so that a read waiting for it returns and sees the deadline passed.
                try {
                    out.write("def".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                catch (IOException ignored) {
                    // the client disconnected first: the outcome is checked below
                }
                assertThat(causeOf(call)).isInstanceOf(HttpTimeoutException.class);
            }
        }
    }

    @Test
    void garbageAndDroppedAnswersAreIoErrorsNotTimeouts()
            throws Exception
    {
        for (String answer : List.of("NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "")) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                // Every connection gets the same answer: the JDK resends a GET once when the first answer is missing.
                Thread serverThread = Thread.ofVirtual().start(() -> {
                    while (true) {
                        try (Socket client = socket.accept()) {
                            TricklingPeer.readRequestHead(client.getInputStream());
                            client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        }
                        catch (IOException closed) {
                            return;
                        }
                    }
                });
                URI uri = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
                assertThatThrownBy(() -> http.sendForString(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024))
                        .as("answer %s", answer)
                        .isInstanceOf(IOException.class)
                        .isNotInstanceOf(HttpTimeoutException.class);
                socket.close();
                serverThread.join();
            }
        }
    }

    @Test
    void tricklingBodyEndsWhenTheDeadlineComes()
            throws Exception
    {
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", (byte) 'x', Duration.ofMillis(20))) {
            URI uri = peer.uri();
            CompletableFuture<byte[]> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.exchange(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, answer -> answer.body().readAllBytes());
                }
                catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            peer.awaitBytesSent(5);
            alarm.fire();
            assertThat(causeOf(call)).isInstanceOf(HttpTimeoutException.class);
            peer.awaitClosedByClient();
        }
    }

    @Test
    void stalledBodyEndsWhenTheDeadlineComes()
            throws Exception
    {
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", (byte) 'x', Duration.ZERO)) {
            URI uri = peer.uri();
            CompletableFuture<PlainHttp.StringResponse> call = CompletableFuture.supplyAsync(() -> sendQuietly(uri));
            peer.awaitHeadSent();
            alarm.fire();
            assertThat(causeOf(call)).isInstanceOf(HttpTimeoutException.class).hasMessage("no answer within 60000 ms");
            peer.awaitClosedByClient();
        }
    }

    @Test
    void interruptedCallerEndsItsRequest()
            throws Exception
    {
        interruptedCallerEndsItsRequest(Thread.ofPlatform());
    }

    @Test
    void interruptedVirtualCallerEndsItsRequest()
            throws Exception
    {
        interruptedCallerEndsItsRequest(Thread.ofVirtual());
    }

    private void interruptedCallerEndsItsRequest(Thread.Builder callers)
            throws Exception
    {
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", (byte) 'x', Duration.ZERO)) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread caller = callers.start(() -> {
                try {
                    http.sendForString(peer.uri(), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
                    failure.complete(null);
                }
                catch (IOException e) {
                    failure.complete(e);
                }
            });
            peer.awaitHeadSent();
            caller.interrupt();
            assertThat(failure.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
            peer.awaitClosedByClient();
            assertThat(alarm.pending()).isZero();
        }
    }

    @Test
    void virtualCallerRunsItsRequestOnItsOwnThread()
            throws Exception
    {
        CompletableFuture<List<Thread>> sameThread = onVirtualThread(() -> List.of(Thread.currentThread(),
                http.exchange(uri("/fixed"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, answer -> Thread.currentThread())));
        List<Thread> threads = sameThread.get(20, TimeUnit.SECONDS);
        assertThat(threads.get(1)).isSameAs(threads.get(0));
        // A platform thread's request still gets a virtual thread of its own, which the deadline can interrupt.
        Thread platformReader = http.exchange(uri("/fixed"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, answer -> Thread.currentThread());
        assertThat(platformReader).isNotSameAs(Thread.currentThread()).matches(Thread::isVirtual);
        assertThat(alarm.pending()).isZero();
    }

    @Test
    void virtualCallerTimesOutWhenTheDeadlineComesAndCarriesOn()
            throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI silent = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
            CompletableFuture<String> call = onVirtualThread(() -> {
                IOException failure = null;
                try {
                    http.sendForString(silent, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
                }
                catch (IOException e) {
                    failure = e;
                }
                // The deadline's interrupt ended the request, not the caller: it can make its next request.
                boolean interrupted = Thread.currentThread().isInterrupted();
                return failure + "; interrupted " + interrupted + "; next " + http.sendForString(uri("/fixed"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024).body();
            });
            try (Socket accepted = socket.accept()) {
                TricklingPeer.readRequestHead(accepted.getInputStream());
                alarm.fire();
                assertThat(call.get(20, TimeUnit.SECONDS))
                        .isEqualTo("java.net.http.HttpTimeoutException: no answer within 60000 ms; interrupted false; next fixed answer");
            }
        }
    }

    @Test
    void tricklingBodyEndsWhenTheDeadlineComesForAVirtualCaller()
            throws Exception
    {
        try (TricklingPeer peer = new TricklingPeer("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", (byte) 'x', Duration.ofMillis(20))) {
            CompletableFuture<PlainHttp.StringResponse> call = onVirtualThread(() -> http.sendForString(peer.uri(), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1 << 20));
            peer.awaitBytesSent(5);
            alarm.fire();
            assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(HttpTimeoutException.class);
            peer.awaitClosedByClient();
        }
    }

    @Test
    void deadlineThatFiresAfterTheRequestEndedLeavesTheCallerAlone()
            throws Exception
    {
        // An alarm that cannot be called off: the deadline fires while (or after) the request ends.
        List<Runnable> fired = new CopyOnWriteArrayList<>();
        PlainHttp late = new PlainHttp((delay, action) -> {
            fired.add(action);
            return () -> {};
        });
        CompletableFuture<Void> returned = new CompletableFuture<>();
        CompletableFuture<Void> deadlinePassed = new CompletableFuture<>();
        CompletableFuture<String> call = onVirtualThread(() -> {
            String body = late.sendForString(uri("/fixed"), "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024).body();
            returned.complete(null);
            deadlinePassed.get(20, TimeUnit.SECONDS);
            return body + "; interrupted " + Thread.currentThread().isInterrupted();
        });
        returned.get(20, TimeUnit.SECONDS);
        assertThat(fired).hasSize(1);
        fired.forEach(Runnable::run);
        deadlinePassed.complete(null);
        assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("fixed answer; interrupted false");
    }

    @Test
    void errorAnswerCostsOneExceptionInHttpUrlConnection(@TempDir Path dir)
            throws Exception
    {
        // HttpURLConnection throws for every answer of 400 or more (an IMDS poll without a notice is a 404); asked in
        // the wrong order, it also builds a copy of that exception, by reflection, for each later question.
        URI notFound = uri("/status?404");
        int requests = 3;
        Path dump = dir.resolve("exceptions.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JavaExceptionThrow");
            recording.start();
            for (int i = 0; i < requests; i++) {
                PlainHttp.StringResponse response = onVirtualThread(() -> http.sendForString(notFound, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024)).get(20, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.body()).isEqualTo("answered 404");
            }
            PlainHttp.StringResponse response = http.sendForString(notFound, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
            assertThat(response.body()).isEqualTo("answered 404");
            recording.stop();
            recording.dump(dump);
        }
        long built = RecordingFile.readAllEvents(dump).stream()
                .filter(event -> FileNotFoundException.class.getName().equals(event.getClass("thrownClass").getName()))
                .filter(event -> notFound.toString().equals(event.getString("message")))
                .count();
        assertThat(built).isEqualTo(requests + 1);
    }

    @Test
    void headerValuesWithLineBreaksAreNotSent()
    {
        for (String value : List.of("a\rb", "a\nb", "a\r\n b", "a\r\nX-Injected: yes")) {
            assertThatThrownBy(() -> http.sendForString(uri("/fixed"), "GET", Map.of("X-Test", value), null, TIMEOUT, TIMEOUT, 1024))
                    .as("value %s", value.replace("\r", "\\r").replace("\n", "\\n"))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("request header X-Test: value contains CR or LF; nothing sent");
        }
        assertThat(received).isEmpty();
    }

    private static <T> CompletableFuture<T> onVirtualThread(Callable<T> call)
    {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(call.call());
            }
            catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private PlainHttp.StringResponse sendQuietly(URI uri)
    {
        try {
            return http.sendForString(uri, "GET", Map.of(), null, TIMEOUT, TIMEOUT, 1024);
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    // Bounded only to turn a hang into a failure.
    private static Throwable causeOf(CompletableFuture<?> call)
            throws InterruptedException
    {
        try {
            call.get(20, TimeUnit.SECONDS);
        }
        catch (ExecutionException e) {
            return e.getCause().getCause();
        }
        catch (TimeoutException e) {
            throw new AssertionError("the call did not end");
        }
        throw new AssertionError("the call did not fail");
    }

    private static final class ManualAlarm
            implements PlainHttp.Alarm
    {
        private final List<Runnable> actions = new CopyOnWriteArrayList<>();
        final AtomicInteger set = new AtomicInteger();

        @Override
        public Runnable set(Duration delay, Runnable action)
        {
            set.incrementAndGet();
            actions.add(action);
            return () -> actions.remove(action);
        }

        int pending()
        {
            return actions.size();
        }

        void fire()
        {
            actions.forEach(Runnable::run);
        }
    }
}
