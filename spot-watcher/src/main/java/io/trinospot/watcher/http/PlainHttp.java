package io.trinospot.watcher.http;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * The agent's HTTP calls (IMDS on the link-local address, the local worker, the coordinator) over the JDK's
 * {@link HttpURLConnection}: plain http (https only for a client made by {@link #withTls}), never a proxy, never a redirect, no cache, one connection per request
 * (so a connection the worker closed while idle is never reused for a drain's request).
 * <p>
 * Why {@code HttpURLConnection} and not {@code java.net.http.HttpClient}: the agent makes about three small requests
 * a second and must idle in 64 MiB and 1 % CPU. {@code HttpClient} runs a selector thread and an executor, pushes
 * every request through an asynchronous pipeline and sets up the whole TLS stack when created, even for plain http
 * (see README, Footprint); {@code HttpURLConnection} blocks in the calling thread and loads no TLS classes for http
 * URLs.
 * <p>
 * Its own timeouts bound the connect and each socket read, not the request: a peer that sends a byte now and then
 * would hold the caller for as long as it likes. So each request, from connect to the last byte of the answer read,
 * runs on a virtual thread, and when the request timeout is up that thread is interrupted: on a virtual thread that
 * closes the socket and ends a blocked connect or read, which no other thread can do once {@code HttpURLConnection}
 * is reading (its streams lock out a concurrent close). A caller that is a virtual thread itself (the IMDS poll
 * loops) runs its request on its own thread and gets the {@link HttpTimeoutException} once the interrupt has ended
 * the request; any other caller's request gets a virtual thread of its own, and the caller gets the timeout at once.
 * <p>
 * Failures: {@link HttpConnectTimeoutException} when the connection is not made within the connect timeout,
 * {@link java.net.ConnectException} when it is refused, {@link HttpTimeoutException} when the whole exchange does not
 * end in time, {@link ProtocolException} for a request header value with CR or LF (nothing is sent), any other
 * {@link IOException} for a dropped connection or an answer that is not HTTP. The JDK resends a request without a
 * body (GET, DELETE) once when the connection drops before any answer; requests with a body (PUT, POST) are sent in
 * streaming mode and never resent, and a 401 to them comes without its body.
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

    /** Reads an answer. It runs on the request's thread, within the request timeout. */
    @FunctionalInterface
    public interface AnswerReader<T>
    {
        T read(Answer answer)
                throws IOException;
    }

    /**
     * Sends one request and hands its answer to {@code reader}; returns what the reader returns. Connect, send and
     * every read of the reader end within {@code requestTimeout}.
     *
     * @param body the request body, or {@code null} for none ({@code Content-Length: 0} is still sent for PUT and POST)
     */
    public <T> T exchange(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout,
            AnswerReader<T> reader)
            throws IOException
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(method, "method is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(reader, "reader is null");
        boolean https = tls != null && "https".equalsIgnoreCase(uri.getScheme());
        if ((!https && !"http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new IOException("unsupported URI (" + (tls == null ? "plain http only" : "http or https") + "): " + uri);
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            // The JDK lets a CR through, and CR LF before a space (a folded line); neither belongs in what the agent sends.
            if (hasLineBreak(header.getKey()) || hasLineBreak(header.getValue())) {
                throw new ProtocolException("request header " + header.getKey().replaceAll("[\r\n]", "?") + ": value contains CR or LF; nothing sent");
            }
        }

        Exchange<T> exchange = new Exchange<>(uri, method, headers, body, connectTimeout, requestTimeout, reader, https ? tls : null);
        if (Thread.currentThread().isVirtual()) {
            return exchange.runHere(alarm);
        }
        Thread thread = Thread.ofVirtual().name("http-request").unstarted(exchange::run);
        exchange.thread = thread;
        // Armed before the request can start: the whole request, from connect on, is within the deadline.
        Runnable cancel = alarm.set(requestTimeout, exchange::expire);
        thread.start();
        try {
            return exchange.outcome.get();
        }
        catch (InterruptedException e) {
            // The agent is stopping: the request goes too.
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(method + " " + uri + ": interrupted");
        }
        catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
        finally {
            cancel.run();
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
        return exchange(uri, method, headers, body, connectTimeout, requestTimeout, answer -> {
            byte[] bytes = answer.body().readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            long expected = answer.contentLength();
            if (expected >= 0 && bytes.length < expected) {
                throw new EOFException("connection closed with " + (expected - bytes.length) + " bytes of the body missing");
            }
            return new StringResponse(answer.status(), bytes);
        });
    }

    private static boolean hasLineBreak(String text)
    {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
    }

    private static IOException rethrow(Throwable failure)
    {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof IOException e) {
            return e;
        }
        // HttpURLConnection reports some malformed answers as unchecked exceptions, and so do readers parsing them.
        return new IOException("malformed answer: " + failure, failure);
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

    // One request on its own thread; the caller waits for its outcome, which the deadline may settle first.
    private static final class Exchange<T>
    {
        private final URI uri;
        private final String method;
        private final Map<String, String> headers;
        private final byte[] body;
        private final Duration connectTimeout;
        private final Duration requestTimeout;
        private final AnswerReader<T> reader;
        private final SSLSocketFactory tls;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        // Held while the deadline interrupts the request's thread and while the request ends, so that an interrupt
        // never reaches a caller's thread after its request has returned.
        private final ReentrantLock lock = new ReentrantLock();
        private boolean finished;
        private volatile boolean expired;
        private volatile Thread thread;

        Exchange(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout, Duration requestTimeout, AnswerReader<T> reader,
                SSLSocketFactory tls)
        {
            this.tls = tls;
            this.uri = uri;
            this.method = method;
            this.headers = headers;
            this.body = body;
            this.connectTimeout = connectTimeout;
            this.requestTimeout = requestTimeout;
            this.reader = reader;
        }

        void expire()
        {
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                expired = true;
                outcome.completeExceptionally(new HttpTimeoutException("no answer within " + requestTimeout.toMillis() + " ms"));
                thread.interrupt();
            }
            finally {
                lock.unlock();
            }
        }

        /**
         * Runs the request on the calling virtual thread: interrupting it closes its socket just as for a thread of
         * the request's own, and the request costs no thread start, no hand-over to a carrier thread and back, and
         * no wait for an outcome (the monitor loops call this way several times a second).
         */
        T runHere(Alarm alarm)
                throws IOException
        {
            thread = Thread.currentThread();
            Runnable cancel = alarm.set(requestTimeout, this::expire);
            try {
                run();
            }
            finally {
                cancel.run();
            }
            if (expired) {
                // The deadline's interrupt was for the request, which has ended: the caller carries on.
                Thread.interrupted();
            }
            else if (Thread.currentThread().isInterrupted()) {
                // The agent is stopping: as for a caller interrupted while it waits for a request of its own thread.
                throw new InterruptedIOException(method + " " + uri + ": interrupted");
            }
            return switch (outcome.state()) {
                case SUCCESS -> outcome.resultNow();
                case FAILED -> throw rethrow(outcome.exceptionNow());
                default -> throw new IllegalStateException("request ended without an outcome: " + outcome.state());
            };
        }

        void run()
        {
            if (expired) {
                return;
            }
            HttpURLConnection connection = null;
            try {
                connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
                if (tls != null) {
                    ((HttpsURLConnection) connection).setSSLSocketFactory(tls);
                }
                outcome.complete(exchange(connection));
            }
            catch (Throwable failure) {
                outcome.completeExceptionally(translate(failure));
            }
            finally {
                if (connection != null) {
                    connection.disconnect();
                }
                lock.lock();
                try {
                    finished = true;
                }
                finally {
                    lock.unlock();
                }
            }
        }

        private T exchange(HttpURLConnection connection)
                throws IOException
        {
            int timeoutMillis = millis(requestTimeout);
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(Math.min(millis(connectTimeout), timeoutMillis));
            // A backstop only: the deadline ends the request first.
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
            long contentLength;
            try {
                // The body first, then the status: HttpURLConnection answers getInputStream for a status of 400 or more
                // with an exception, and once it has one, every later question about the answer (the status too, when
                // asked first) builds a copy of it by reflection. Asked in this order, an error answer costs one
                // exception, not three (an IMDS poll without a notice is a 404).
                IOException errorStatus = null;
                try {
                    in = connection.getInputStream();
                }
                catch (HttpRetryException e) {
                    throw e;
                }
                catch (IOException e) {
                    in = null;
                    errorStatus = e;
                }
                status = connection.getResponseCode();
                if (status < 100 || status > 999) {
                    throw new IOException("malformed answer: no HTTP status line");
                }
                if (status >= 400) {
                    in = connection.getErrorStream();
                    // Its length would cost another copy of the exception; an error answer's body only goes into messages,
                    // so a cut one is taken as it is.
                    contentLength = -1;
                }
                else if (errorStatus != null) {
                    throw errorStatus;
                }
                else {
                    contentLength = connection.getContentLengthLong();
                }
            }
            catch (HttpRetryException e) {
                // A 401 to a request sent in streaming mode: the JDK reports it this way, having dropped the answer's
                // body with the connection (it could not resend the request with credentials).
                status = e.responseCode();
                in = null;
                contentLength = -1;
            }
            try (InputStream answerBody = in == null ? InputStream.nullInputStream() : new DeadlineStream(in, this)) {
                return reader.read(new Answer(status, answerBody, contentLength));
            }
        }

        private Throwable translate(Throwable failure)
        {
            if (failure instanceof Error || failure instanceof HttpTimeoutException) {
                return failure;
            }
            if (expired || failure instanceof SocketTimeoutException) {
                return new HttpTimeoutException("no answer within " + requestTimeout.toMillis() + " ms");
            }
            return failure;
        }
    }

    // Ends a read loop that never blocks (a peer sending fast and forever): the interrupt only ends blocked reads.
    private static final class DeadlineStream
            extends FilterInputStream
    {
        private final Exchange<?> exchange;

        DeadlineStream(InputStream in, Exchange<?> exchange)
        {
            super(in);
            this.exchange = exchange;
        }

        private void check()
                throws IOException
        {
            if (exchange.expired) {
                throw new InterruptedIOException("request timeout passed while reading the body");
            }
        }

        @Override
        public int read()
                throws IOException
        {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            check();
            return super.read(buffer, offset, length);
        }

        @Override
        public long skip(long n)
                throws IOException
        {
            check();
            return super.skip(n);
        }
    }

    /** An answer's status and body; the body stream ends when the request timeout is up. */
    public record Answer(int status, InputStream body, long contentLength)
    {
        public Answer
        {
            requireNonNull(body, "body is null");
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
