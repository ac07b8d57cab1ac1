package io.trinospot.watcher.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A minimal blocking HTTP/1.1 client for the agent's own calls (IMDS on the link-local address, the local worker):
 * one connection per request ({@code Connection: close}), never a proxy, never a redirect, no TLS.
 * <p>
 * It replaces {@code java.net.http.HttpClient}, which for one request a second per monitor costs a selector
 * thread, a worker pool, the TLS stack it initializes up front and several MB of classes and garbage: most of
 * the agent's idle CPU and a good part of its memory.
 * <p>
 * Failures surface like the JDK client's: {@link HttpConnectTimeoutException} when the connection is not made
 * within the connect timeout, {@link java.net.ConnectException} when it is refused, {@link HttpTimeoutException}
 * when the status line and headers do not arrive within the request timeout (each later read of the body may
 * wait that long too), any other {@link IOException} for a dropped connection or a malformed answer.
 */
public final class BlockingHttp
{
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private BlockingHttp() {}

    /**
     * Sends one request and returns once the status line and headers are read; the caller reads and closes the body.
     *
     * @param body the request body, or {@code null} for none ({@code Content-Length: 0} is still sent for PUT and POST)
     */
    public static Response send(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout)
            throws IOException
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(method, "method is null");
        requireNonNull(headers, "headers is null");
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IOException("unsupported URI (plain http only): " + uri);
        }
        long timeoutMillis = Math.max(1, requestTimeout.toMillis());
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            socket.setTcpNoDelay(true);
            int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.min(connectTimeout.toMillis(), timeoutMillis)));
            try {
                socket.connect(new InetSocketAddress(uri.getHost(), port), connectMillis);
            }
            catch (SocketTimeoutException e) {
                HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
                timeout.initCause(e);
                throw timeout;
            }
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target(uri)).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(uri.getPort() == -1 ? "" : ":" + port).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null || method.equals("PUT") || method.equals("POST")) {
                head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            if (body == null || body.length == 0) {
                out.write(headBytes);
            }
            else {
                byte[] all = new byte[headBytes.length + body.length];
                System.arraycopy(headBytes, 0, all, 0, headBytes.length);
                System.arraycopy(body, 0, all, headBytes.length, body.length);
                out.write(all);
            }
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            int status;
            long contentLength = -1;
            boolean chunked = false;
            try {
                String statusLine = readLine(socket, in, deadline);
                status = parseStatus(statusLine);
                int headerBytes = statusLine.length();
                while (true) {
                    String line = readLine(socket, in, deadline);
                    headerBytes += line.length() + 2;
                    if (headerBytes > MAX_HEADER_BYTES) {
                        throw new IOException("response headers larger than " + MAX_HEADER_BYTES + " bytes");
                    }
                    if (line.isEmpty()) {
                        if (status / 100 == 1) {
                            // An interim answer (100 Continue): the real status line follows.
                            status = parseStatus(readLine(socket, in, deadline));
                            continue;
                        }
                        break;
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("malformed response header: " + abbreviate(line));
                    }
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    if (name.equals("content-length")) {
                        try {
                            contentLength = Long.parseLong(value);
                        }
                        catch (NumberFormatException e) {
                            throw new IOException("malformed Content-Length: " + abbreviate(value));
                        }
                        if (contentLength < 0) {
                            throw new IOException("negative Content-Length: " + contentLength);
                        }
                    }
                    else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                        chunked = true;
                    }
                }
            }
            catch (SocketTimeoutException e) {
                HttpTimeoutException timeout = new HttpTimeoutException("request timed out");
                timeout.initCause(e);
                throw timeout;
            }
            // The body: each read may wait up to the request timeout (the JDK client does not time the body at all).
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            InputStream bodyStream;
            if (method.equals("HEAD") || status == 204 || status == 304) {
                bodyStream = InputStream.nullInputStream();
            }
            else if (chunked) {
                bodyStream = new ChunkedInputStream(in);
            }
            else if (contentLength >= 0) {
                bodyStream = new BoundedInputStream(in, contentLength);
            }
            else {
                bodyStream = in;
            }
            return new Response(status, bodyStream, socket);
        }
        catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Sends a request and reads the whole body, at most {@code maxBodyBytes} (a larger body is an error). */
    public static StringResponse sendForString(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout,
            int maxBodyBytes)
            throws IOException
    {
        try (Response response = send(uri, method, headers, body, connectTimeout, requestTimeout)) {
            byte[] bytes = response.body().readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            return new StringResponse(response.status(), bytes);
        }
        catch (SocketTimeoutException e) {
            HttpTimeoutException timeout = new HttpTimeoutException("request timed out reading the body");
            timeout.initCause(e);
            throw timeout;
        }
    }

    private static String target(URI uri)
    {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static int parseStatus(String statusLine)
            throws IOException
    {
        // HTTP/1.1 200 OK
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("malformed status line: " + abbreviate(statusLine));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed status line: " + abbreviate(statusLine));
            }
            status = status * 10 + (c - '0');
        }
        if (statusLine.length() > 12 && statusLine.charAt(12) != ' ') {
            throw new IOException("malformed status line: " + abbreviate(statusLine));
        }
        return status;
    }

    // Reads one CRLF- (or LF-) terminated header line, waiting at most until the deadline.
    private static String readLine(Socket socket, InputStream in, long deadline)
            throws IOException
    {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            int b = in.read();
            if (b == -1) {
                throw new EOFException(line.isEmpty() ? "connection closed before an answer" : "connection closed inside the response headers");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEADER_BYTES) {
                throw new IOException("response header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static void closeQuietly(Socket socket)
    {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // nothing to do
        }
    }

    /** An answer whose body is still to be read; closing it closes the connection. */
    public record Response(int status, InputStream body, Socket socket)
            implements Closeable
    {
        @Override
        public void close()
        {
            closeQuietly(socket);
        }
    }

    public record StringResponse(int status, byte[] bytes)
    {
        public String body()
        {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    public static final class BodyTooLargeException
            extends IOException
    {
        private final int limit;

        BodyTooLargeException(int limit)
        {
            super("answer larger than " + limit + " bytes");
            this.limit = limit;
        }

        public int limit()
        {
            return limit;
        }
    }

    private static final class BoundedInputStream
            extends InputStream
    {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long length)
        {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read()
                throws IOException
        {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n == -1) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }
    }

    private static final class ChunkedInputStream
            extends InputStream
    {
        private final InputStream in;
        private long chunkRemaining;
        private boolean done;

        ChunkedInputStream(InputStream in)
        {
            this.in = in;
        }

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            if (length == 0) {
                return 0;
            }
            if (done) {
                return -1;
            }
            if (chunkRemaining == 0) {
                chunkRemaining = nextChunkSize();
                if (chunkRemaining == 0) {
                    // Trailers, if any, up to the empty line.
                    while (!line().isEmpty()) {
                        // skip
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
            if (n == -1) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                if (!line().isEmpty()) {
                    throw new IOException("malformed chunked body: no CRLF after a chunk");
                }
            }
            return n;
        }

        private long nextChunkSize()
                throws IOException
        {
            String line = line();
            int extension = line.indexOf(';');
            String size = (extension >= 0 ? line.substring(0, extension) : line).trim();
            try {
                long value = Long.parseLong(size, 16);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                return value;
            }
            catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + abbreviate(size));
            }
        }

        private String line()
                throws IOException
        {
            StringBuilder line = new StringBuilder(16);
            while (true) {
                int b = in.read();
                if (b == -1) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (line.length() > 4096) {
                    throw new IOException("malformed chunked body: line too long");
                }
                line.append((char) b);
            }
        }
    }
}
