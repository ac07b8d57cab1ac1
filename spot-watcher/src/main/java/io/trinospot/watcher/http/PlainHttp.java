package io.trinospot.watcher.http;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The agent's HTTP calls (IMDS on the link-local address, the local worker, the coordinator) over the JDK's
 * {@link HttpURLConnection}: plain http (https only for a client made by {@link #withTls}), never a proxy, never a
 * redirect, no cache, one connection per request (so a connection the worker closed while idle is never reused for a
 * drain's request).
 * <p>
 * Why {@code HttpURLConnection} and not {@code java.net.http.HttpClient}: the agent makes about three small requests
 * a second and must idle in 64 MiB and 1 % CPU. {@code HttpClient} runs a selector thread and an executor, pushes
 * every request through an asynchronous pipeline and sets up the whole TLS stack when created, even for plain http:
 * three pollers alone, with the agent's JVM options, took 58 MiB and 1.2 % CPU with it against 41 MiB and 0.5 % with
 * {@code HttpURLConnection} (see README, Footprint), which blocks in the calling thread and loads no TLS classes for
 * http URLs.
 * <p>
 * Its only timeouts are per connect and per socket read, so the whole-request bound is added here: a shared daemon
 * thread disconnects a request still waiting for its answer's head when the request timeout is up. The body is then
 * read with each read bounded by the request timeout; {@link #sendForString} also stops at the deadline between reads.
 * <p>
 * Failures: {@link HttpConnectTimeoutException} when the connection is not made within the connect timeout,
 * {@link java.net.ConnectException} when it is refused, {@link HttpTimeoutException} when the answer does not come
 * in time, any other {@link IOException} for a dropped connection or an answer that is not HTTP. The JDK resends a
 * request without a body (GET, DELETE) once when the connection drops before any answer; requests with a body
 * (PUT, POST) are sent in streaming mode and never resent, and a 401 to them comes without its body.
 */
public final class PlainHttp
{
    static {
        // HttpURLConnection keeps a connection for reuse unless the server's answer says "Connection: close", even
        // when the request said so (and servers such as the JDK's own close it then without saying so): the next PUT
        // or POST would go out on a closed connection. The JDK's documented switch turns reuse off; it is read once,
        // when HttpURLConnection is first used, and the agent makes no other HttpURLConnection calls.
        if (System.getProperty("http.keepAlive") == null) {
            System.setProperty("http.keepAlive", "false");
        }
    }

    private static final PlainHttp SHARED = new PlainHttp(DaemonAlarm.INSTANCE);

    private final Alarm alarm;
    // null: http only, so that an agent that never speaks https never loads the TLS stack
    private final SSLSocketFactory tls;

    PlainHttp(Alarm alarm)
    {
        this(alarm, null);
    }

    private PlainHttp(Alarm alarm, SSLSocketFactory tls)
    {
        this.alarm = requireNonNull(alarm, "alarm is null");
        this.tls = tls;
    }

    /**
     * This client, also speaking https with the given trust; host names are checked against the certificate as the
     * JDK's {@link HttpsURLConnection} does by default.
     */
    public PlainHttp withTls(SSLSocketFactory socketFactory)
    {
        return new PlainHttp(alarm, requireNonNull(socketFactory, "socketFactory is null"));
    }

    public static PlainHttp shared()
    {
        return SHARED;
    }

    /**
     * Sends one request and returns once the status line and headers are read; the caller reads and closes the body.
     *
     * @param body the request body, or {@code null} for none ({@code Content-Length: 0} is still sent for PUT and POST)
     */
    public Response send(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout)
            throws IOException
    {
        Response response = open(uri, method, headers, body, connectTimeout, requestTimeout);
        response.deadline.disarm();
        return response;
    }

    // Sends the request and reads the answer's head; the deadline stays armed for the caller to disarm.
    private Response open(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout)
            throws IOException
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(method, "method is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        boolean https = tls != null && "https".equalsIgnoreCase(uri.getScheme());
        if ((!https && !"http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new IOException("unsupported URI (" + (tls == null ? "plain http only" : "http or https") + "): " + uri);
        }
        int timeoutMillis = millis(requestTimeout);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        if (https) {
            ((HttpsURLConnection) connection).setSSLSocketFactory(tls);
        }
        connection.setRequestMethod(method);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout(Math.min(millis(connectTimeout), timeoutMillis));
        connection.setReadTimeout(timeoutMillis);
        // Replaces the JDK's browser-like default Accept header; callers may set their own.
        connection.setRequestProperty("Accept", "*/*");
        headers.forEach(connection::setRequestProperty);
        connection.setRequestProperty("Connection", "close");
        boolean sendsBody = body != null || method.equals("PUT") || method.equals("POST");
        if (sendsBody) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body == null ? 0 : body.length);
        }

        Deadline deadline = new Deadline(connection, requestTimeout);
        deadline.arm(alarm);
        try {
            try {
                connection.connect();
            }
            catch (SocketTimeoutException e) {
                throw (IOException) new HttpConnectTimeoutException("HTTP connect timed out after " + connection.getConnectTimeout() + " ms").initCause(e);
            }
            if (sendsBody) {
                try (OutputStream out = connection.getOutputStream()) {
                    if (body != null) {
                        out.write(body);
                    }
                }
            }
            InputStream in;
            int status;
            try {
                status = status(connection);
                in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            }
            catch (HttpRetryException e) {
                // A 401 to a request sent in streaming mode: the JDK reports it this way, having dropped the answer's
                // body with the connection (it could not resend the request with credentials).
                status = e.responseCode();
                in = null;
            }
            deadline.headRead();
            return new Response(status, in, connection, deadline);
        }
        catch (IOException | RuntimeException e) {
            deadline.disarm();
            connection.disconnect();
            throw deadline.translate(e);
        }
    }

    /**
     * Sends a request and reads the whole body, at most {@code maxBodyBytes} (a larger body is an error), all within
     * the request timeout.
     */
    public StringResponse sendForString(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout,
            int maxBodyBytes)
            throws IOException
    {
        try (Response response = open(uri, method, headers, body, connectTimeout, requestTimeout)) {
            byte[] bytes = response.readAtMost(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            long expected = response.bodyDropped ? -1 : response.connection().getContentLengthLong();
            if (expected >= 0 && bytes.length < expected) {
                throw new EOFException("connection closed with " + (expected - bytes.length) + " bytes of the body missing");
            }
            return new StringResponse(response.status(), bytes);
        }
    }

    private static int status(HttpURLConnection connection)
            throws IOException
    {
        int status = connection.getResponseCode();
        if (status < 100 || status > 999) {
            throw new IOException("malformed answer: no HTTP status line");
        }
        return status;
    }

    private static int millis(Duration duration)
    {
        return (int) Math.clamp(duration.toMillis(), 1, Integer.MAX_VALUE);
    }

    /** Runs an action once a request's time is up; returns what cancels it. Tests fire it themselves. */
    @FunctionalInterface
    interface Alarm
    {
        Runnable set(Duration delay, Runnable action);
    }

    // One daemon thread for all requests, started with the first one.
    private enum DaemonAlarm
            implements Alarm
    {
        INSTANCE;

        private final ScheduledThreadPoolExecutor executor;

        DaemonAlarm()
        {
            executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("http-deadline").daemon().factory());
            executor.setRemoveOnCancelPolicy(true);
        }

        @Override
        public Runnable set(Duration delay, Runnable action)
        {
            ScheduledFuture<?> future = executor.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }
    }

    // The request timeout of one request: when it is up before the answer's head is read, the request is disconnected
    // (HttpURLConnection's own timeouts bound each socket read, not the request); later, while a body is read, it is
    // only marked expired, because closing a body stream waits for a read in progress and would hold up the alarm.
    private static final class Deadline
    {
        private final HttpURLConnection connection;
        private final Duration timeout;
        private final AtomicBoolean expired = new AtomicBoolean();
        private volatile boolean headRead;
        private volatile Runnable cancel = () -> {};

        Deadline(HttpURLConnection connection, Duration timeout)
        {
            this.connection = connection;
            this.timeout = timeout;
        }

        void arm(Alarm alarm)
        {
            cancel = alarm.set(timeout, () -> {
                expired.set(true);
                if (!headRead) {
                    connection.disconnect();
                }
            });
        }

        void headRead()
        {
            headRead = true;
        }

        void disarm()
        {
            cancel.run();
        }

        boolean passed()
        {
            return expired.get();
        }

        IOException translate(Throwable failure)
        {
            if (failure instanceof HttpTimeoutException timeout) {
                return timeout;
            }
            if (expired.get() || failure instanceof SocketTimeoutException) {
                return (IOException) new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms").initCause(failure);
            }
            if (failure instanceof IOException e) {
                return e;
            }
            // HttpURLConnection reports some malformed answers as unchecked exceptions.
            return new IOException("malformed answer: " + failure, failure);
        }
    }

    /** An answer whose body is still to be read; closing it closes the connection. */
    public static final class Response
            implements Closeable
    {
        private final int status;
        private final InputStream body;
        private final HttpURLConnection connection;
        private final Deadline deadline;

        private final boolean bodyDropped;

        Response(int status, InputStream body, HttpURLConnection connection, Deadline deadline)
        {
            this.status = status;
            this.bodyDropped = body == null;
            this.body = body == null ? InputStream.nullInputStream() : body;
            this.connection = connection;
            this.deadline = deadline;
        }

        public int status()
        {
            return status;
        }

        /** The body as a stream; each read waits at most the request timeout. */
        public InputStream body()
        {
            return body;
        }

        HttpURLConnection connection()
        {
            return connection;
        }

        // Reads up to limit bytes, stopping with a timeout once the request's deadline has passed.
        byte[] readAtMost(int limit)
                throws IOException
        {
            byte[] buffer = new byte[Math.min(limit, 8192)];
            int length = 0;
            try {
                while (length < limit) {
                    if (deadline.passed()) {
                        throw new SocketTimeoutException("deadline passed while reading the body");
                    }
                    if (length == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * buffer.length));
                    }
                    int n = body.read(buffer, length, buffer.length - length);
                    if (n == -1) {
                        break;
                    }
                    length += n;
                }
            }
            catch (IOException | RuntimeException e) {
                throw deadline.translate(e);
            }
            return Arrays.copyOf(buffer, length);
        }

        @Override
        public void close()
        {
            deadline.disarm();
            try {
                body.close();
            }
            catch (IOException ignored) {
                // the connection is closed below either way
            }
            connection.disconnect();
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
}
