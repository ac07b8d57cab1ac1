package io.trinospot.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP/1.1 relay on loopback in front of a real S3 server that answers chosen requests with S3 errors or cuts
 * their connection. A plain socket relay rather than {@code com.sun.net.httpserver}: the AWS SDK signs the request
 * (host, headers, aws-chunked bodies), so the relay passes each request on byte for byte, and it must be able to cut
 * a connection at any byte of a request or a response, which a server that owns the framing cannot do.
 * <p>
 * A test arms one rule at a time: the next N requests that match ({@link #inject}), or a share of every request of
 * some kinds until it passes all again ({@link #burst}, an S3 error burst). {@link ClusterSpec.Builder#s3FaultProxy}
 * puts one between a cluster and its S3 server.
 */
public final class S3FaultProxy
        implements AutoCloseable
{
    public enum Kind
    {
        PUT_OBJECT, CREATE_MULTIPART_UPLOAD, UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD, ABORT_MULTIPART_UPLOAD, GET_OBJECT, HEAD_OBJECT, LIST, DELETE, OTHER
    }

    public enum Fault
    {
        /** {@code 503 SlowDown}, S3's throttling answer. */
        SLOW_DOWN,
        /** {@code 500 InternalError}. */
        INTERNAL_ERROR,
        /** The connection closed after the request head and part of its body, before any answer. */
        DROP_DURING_REQUEST,
        /** The request reaches S3 and is carried out; the connection closes partway through S3's answer. */
        DROP_DURING_RESPONSE
    }

    /** Requests of {@code kind} whose target (path and query) contains every one of {@code targetContains}. */
    public record Match(Kind kind, List<String> targetContains)
    {
        public Match
        {
            requireNonNull(kind, "kind is null");
            targetContains = List.copyOf(targetContains);
        }

        public static Match of(Kind kind, String... targetContains)
        {
            return new Match(kind, List.of(targetContains));
        }

        boolean matches(Kind requestKind, String target)
        {
            return requestKind == kind && targetContains.stream().allMatch(target::contains);
        }
    }

    /**
     * An S3 error burst: {@code percent} of the requests of {@code kinds} get {@code fault}, the rest pass. Which ones is
     * spread evenly over the requests in the order they arrive, the first one always faulted: after n requests,
     * {@code ceil(n * percent / 100)} were. So a burst that meets any request of its kinds faults at least one, and
     * the same requests in the same order are faulted alike.
     */
    public record Burst(Set<Kind> kinds, Fault fault, int percent)
    {
        public Burst
        {
            requireNonNull(kinds, "kinds is null");
            requireNonNull(fault, "fault is null");
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("A burst needs at least one request kind");
            }
            kinds = Set.copyOf(EnumSet.copyOf(kinds));
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("A burst faults 1 to 100 percent of its requests: " + percent);
            }
        }

        /** Whether the {@code seen}th request of the burst's kinds (from 1) is faulted. */
        boolean faults(int seen)
        {
            return ceilPercent(seen) > ceilPercent(seen - 1);
        }

        private long ceilPercent(long requests)
        {
            return (requests * percent + 99) / 100;
        }
    }

    /** The rule armed now: requests it matches are counted, and faulted while {@code faulted} says so. */
    private record Armed(Rule rule, Fault fault, AtomicInteger seen, AtomicInteger injected) {}

    private interface Rule
    {
        boolean matches(Kind kind, String target);

        /** Whether the {@code seen}th matching request (from 1) gets the fault. */
        boolean faults(int seen);
    }

    private static final Set<String> NOT_PASSED_ON = Set.of("expect");

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile Optional<Armed> armed = Optional.empty();
    private volatile boolean closed;

    private S3FaultProxy(InetSocketAddress upstream, ServerSocket server)
    {
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.server = requireNonNull(server, "server is null");
    }

    /** A proxy on a free loopback port relaying to the S3 server at {@code upstreamEndpoint}; it passes every request until armed. */
    public static S3FaultProxy start(URI upstreamEndpoint)
    {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            S3FaultProxy proxy = new S3FaultProxy(new InetSocketAddress(upstreamEndpoint.getHost(), upstreamEndpoint.getPort()), server);
            Thread.ofPlatform().daemon().name("s3-fault-proxy-accept").start(proxy::acceptLoop);
            return proxy;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where clients reach S3 through this proxy. */
    public URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** From now on, the next {@code times} requests that match get {@code fault}; later ones pass. Replaces any earlier rule. */
    public void inject(Match match, Fault fault, int times)
    {
        arm(new Rule()
        {
            @Override
            public boolean matches(Kind kind, String target)
            {
                return match.matches(kind, target);
            }

            @Override
            public boolean faults(int seen)
            {
                return seen <= times;
            }
        }, fault);
    }

    /** From now on, until {@link #passAll} or another rule, {@code burst}'s share of its kinds of request get its fault. */
    public void burst(Burst burst)
    {
        arm(new Rule()
        {
            @Override
            public boolean matches(Kind kind, String target)
            {
                return burst.kinds().contains(kind);
            }

            @Override
            public boolean faults(int seen)
            {
                return burst.faults(seen);
            }
        }, burst.fault());
    }

    private void arm(Rule rule, Fault fault)
    {
        armed = Optional.of(new Armed(rule, fault, new AtomicInteger(), new AtomicInteger()));
    }

    /** Every request passes from now on; the counts of the rule armed until now are gone. */
    public void passAll()
    {
        armed = Optional.empty();
    }

    /** Whether a rule is armed: false after {@link #passAll} and before any rule. */
    public boolean armed()
    {
        return armed.isPresent();
    }

    /** Requests that matched the current rule, answered by a fault or passed on. */
    public int matchedRequests()
    {
        return armed.map(rule -> rule.seen().get()).orElse(0);
    }

    /** Requests the current rule answered with its fault. */
    public int injectedFaults()
    {
        return armed.map(rule -> rule.injected().get()).orElse(0);
    }

    @Override
    public void close()
    {
        closed = true;
        try {
            server.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(S3FaultProxy::closeQuietly);
        connections.shutdownNow();
    }

    private void acceptLoop()
    {
        while (!closed) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                open.add(client);
                connections.execute(() -> serve(client));
            }
            catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(Socket client)
    {
        Socket upstreamSocket = null;
        try (client) {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            while (!closed) {
                Optional<Head> maybeRequest = Head.read(fromClient);
                if (maybeRequest.isEmpty()) {
                    return;
                }
                Head request = maybeRequest.get();
                String[] requestLine = request.startLine().split(" ", 3);
                String method = requestLine[0];
                String target = requestLine[1];
                Kind kind = classify(method, target);
                Optional<Fault> fault = decide(kind, target);
                boolean expectContinue = request.header("expect").map(value -> value.equalsIgnoreCase("100-continue")).orElse(false);

                if (fault.isPresent() && fault.get() == Fault.DROP_DURING_REQUEST) {
                    // Half of whatever body the client sends, then the connection is gone.
                    if (expectContinue) {
                        toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        toClient.flush();
                    }
                    long length = request.contentLength().orElse(0L);
                    fromClient.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE));
                    // a reset, as when a network path fails
                    client.setSoLinger(true, 0);
                    return;
                }
                if (expectContinue) {
                    // Answered here, as S3 does; the header is not passed on (it is never signed).
                    toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    toClient.flush();
                }
                byte[] body = request.readBody(fromClient);

                if (fault.isPresent() && (fault.get() == Fault.SLOW_DOWN || fault.get() == Fault.INTERNAL_ERROR)) {
                    toClient.write(errorResponse(fault.get(), method, target));
                    toClient.flush();
                    return;
                }

                // A connection of its own per request: an idle one the server closed meanwhile would fail a request
                // the test did not mean to fail, and add to the counts.
                release(upstreamSocket);
                upstreamSocket = new Socket(upstream.getAddress(), upstream.getPort());
                upstreamSocket.setTcpNoDelay(true);
                open.add(upstreamSocket);
                InputStream fromUpstream = new BufferedInputStream(upstreamSocket.getInputStream());
                OutputStream toUpstream = upstreamSocket.getOutputStream();
                toUpstream.write(request.bytesWithout(NOT_PASSED_ON));
                toUpstream.write(body);
                toUpstream.flush();
                Head response = Head.read(fromUpstream).orElseThrow(() -> new EOFException("S3 server closed the connection"));
                byte[] responseBody = method.equals("HEAD") ? new byte[0] : response.readResponseBody(fromUpstream);
                byte[] head = response.bytesWithout(Set.of());

                if (fault.isPresent() && fault.get() == Fault.DROP_DURING_RESPONSE) {
                    // The request took effect. The client gets the head and half the body; with no body, part of the
                    // status line (a header block cut short is taken as complete by the SDK's HTTP client).
                    if (responseBody.length > 0) {
                        toClient.write(head);
                        toClient.write(responseBody, 0, responseBody.length / 2);
                    }
                    else {
                        toClient.write(head, 0, "HTTP/1.1".length());
                    }
                    // an orderly close: the client reads what was sent, then the end of the connection
                    toClient.flush();
                    return;
                }
                toClient.write(head);
                toClient.write(responseBody);
                toClient.flush();
                if (response.header("connection").map(value -> value.equalsIgnoreCase("close")).orElse(false)) {
                    return;
                }
            }
        }
        catch (IOException e) {
            // the client or the server went away: this connection is over
        }
        finally {
            release(upstreamSocket);
            open.remove(client);
        }
    }

    private Optional<Fault> decide(Kind kind, String target)
    {
        Optional<Armed> current = armed;
        if (current.isEmpty() || !current.get().rule().matches(kind, target)) {
            return Optional.empty();
        }
        int seen = current.get().seen().incrementAndGet();
        if (!current.get().rule().faults(seen)) {
            return Optional.empty();
        }
        current.get().injected().incrementAndGet();
        return Optional.of(current.get().fault());
    }

    /** By method and query string, as S3 tells its operations apart (path-style addressing: {@code /bucket/key}). */
    public static Kind classify(String method, String target)
    {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        Set<String> query = question < 0 ? Set.of() : queryKeys(target.substring(question + 1));
        int keyStart = path.indexOf('/', 1);
        boolean hasKey = keyStart > 0 && keyStart < path.length() - 1;
        return switch (method) {
            case "PUT" -> query.contains("uploadId") && query.contains("partNumber") ? Kind.UPLOAD_PART : Kind.PUT_OBJECT;
            case "POST" -> {
                if (query.contains("uploads")) {
                    yield Kind.CREATE_MULTIPART_UPLOAD;
                }
                if (query.contains("uploadId")) {
                    yield Kind.COMPLETE_MULTIPART_UPLOAD;
                }
                yield query.contains("delete") ? Kind.DELETE : Kind.OTHER;
            }
            case "GET" -> query.contains("list-type") || !hasKey ? Kind.LIST : Kind.GET_OBJECT;
            case "HEAD" -> Kind.HEAD_OBJECT;
            case "DELETE" -> query.contains("uploadId") ? Kind.ABORT_MULTIPART_UPLOAD : Kind.DELETE;
            default -> Kind.OTHER;
        };
    }

    private static Set<String> queryKeys(String query)
    {
        Set<String> keys = new HashSet<>();
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            keys.add(equals < 0 ? parameter : parameter.substring(0, equals));
        }
        return keys;
    }

    private byte[] errorResponse(Fault fault, String method, String target)
    {
        String requestId = "FAULTPROXY" + requestIds.incrementAndGet();
        String resource = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        String code = fault == Fault.SLOW_DOWN ? "SlowDown" : "InternalError";
        String message = fault == Fault.SLOW_DOWN
                ? "The fault proxy throttles this request; slow down."
                : "The fault proxy failed this request inside the server."; // the messages are ours; the codes are S3's
        String body = method.equals("HEAD") ? "" : """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId></Error>"""
                .formatted(code, message, resource, requestId);
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String status = fault == Fault.SLOW_DOWN ? "503 Slow Down" : "500 Internal Server Error";
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bodyBytes);
        return out.toByteArray();
    }

    private void release(Socket socket)
    {
        if (socket != null) {
            closeQuietly(socket);
            open.remove(socket);
        }
    }

    private static void closeQuietly(Socket socket)
    {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // already gone
        }
    }

    /** The start line and headers of one HTTP/1.1 message, as received. */
    private record Head(String startLine, List<String> headerLines)
    {
        private static final int MAX_HEAD = 64 * 1024;

        static Optional<Head> read(InputStream in)
                throws IOException
        {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (raw.size() == 0) {
                        return Optional.empty();
                    }
                    throw new EOFException("connection closed inside an HTTP head");
                }
                raw.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (raw.size() > MAX_HEAD) {
                    throw new IOException("HTTP head too long");
                }
            }
            String[] lines = raw.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isEmpty()) {
                    headers.add(lines[i]);
                }
            }
            return Optional.of(new Head(lines[0], headers));
        }

        Optional<String> header(String name)
        {
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return Optional.of(line.substring(colon + 1).trim());
                }
            }
            return Optional.empty();
        }

        Optional<Long> contentLength()
        {
            return header("content-length").map(Long::parseLong);
        }

        boolean chunked()
        {
            return header("transfer-encoding").map(value -> value.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
        }

        byte[] bytesWithout(Set<String> names)
        {
            StringBuilder out = new StringBuilder(startLine).append("\r\n");
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && names.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                out.append(line).append("\r\n");
            }
            return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** A request's body: by length or chunked, else none. */
        byte[] readBody(InputStream in)
                throws IOException
        {
            if (chunked()) {
                return readChunked(in);
            }
            return readExactly(in, contentLength().orElse(0L));
        }

        /** A response's body: by length or chunked, else none for 1xx, 204 and 304, else up to the end of the connection. */
        byte[] readResponseBody(InputStream in)
                throws IOException
        {
            int status = Integer.parseInt(startLine.split(" ", 3)[1]);
            if (status / 100 == 1 || status == 204 || status == 304) {
                return new byte[0];
            }
            if (chunked()) {
                return readChunked(in);
            }
            Optional<Long> length = contentLength();
            return length.isPresent() ? readExactly(in, length.get()) : in.readAllBytes();
        }

        private static byte[] readExactly(InputStream in, long length)
                throws IOException
        {
            byte[] bytes = in.readNBytes(Math.toIntExact(length));
            if (bytes.length != length) {
                throw new EOFException("connection closed inside an HTTP body");
            }
            return bytes;
        }

        /** The chunked body as received, framing included, so it is passed on unchanged. */
        private static byte[] readChunked(InputStream in)
                throws IOException
        {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                out.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int semicolon = sizeLine.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    // trailers up to the empty line
                    while (true) {
                        String trailer = readLine(in);
                        out.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        if (trailer.isEmpty()) {
                            return out.toByteArray();
                        }
                    }
                }
                out.writeBytes(readExactly(in, size));
                out.writeBytes(readExactly(in, 2));
            }
        }

        private static String readLine(InputStream in)
                throws IOException
        {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                if (previous == '\r' && b == '\n') {
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
                previous = b;
            }
        }
    }
}
