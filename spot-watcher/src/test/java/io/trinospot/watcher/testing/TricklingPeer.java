package io.trinospot.watcher.testing;

import io.trinospot.watcher.Await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer on a real socket that accepts one connection, reads the request's head, sends the answer's head and then
 * one byte of body every {@code pace} for as long as the connection stays open: each read of the client gets data
 * well within any per-read timeout, so only a bound on the whole request ends it. {@code pace} zero sends nothing
 * after the head (a stalled body). Records when the client closed the connection.
 */
public final class TricklingPeer
        implements AutoCloseable
{
    private final ServerSocket socket;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("trickle").factory());
    private final AtomicInteger bytesSent = new AtomicInteger();
    private final CompletableFuture<Void> closedByClient = new CompletableFuture<>();
    private final CompletableFuture<Void> headSent = new CompletableFuture<>();
    private volatile Socket client;

    public TricklingPeer(String head, byte filler, Duration pace)
    {
        try {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(() -> serve(head, filler, pace));
    }

    public URI uri()
    {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void serve(String head, byte filler, Duration pace)
    {
        Socket client;
        try {
            client = socket.accept();
            this.client = client;
            readRequestHead(client.getInputStream());
            client.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            headSent.complete(null);
        }
        catch (IOException e) {
            closedByClient.complete(null);
            return;
        }
        if (pace.isZero()) {
            // Nothing more is sent; the client's close shows as the end of its stream.
            try (client; InputStream in = client.getInputStream()) {
                while (in.read() != -1) {
                    // a request body, if any
                }
            }
            catch (IOException ignored) {
                // reset by the client: closed as well
            }
            closedByClient.complete(null);
            return;
        }
        pacer.scheduleAtFixedRate(() -> {
            try {
                OutputStream out = client.getOutputStream();
                out.write(filler);
                out.flush();
                bytesSent.incrementAndGet();
            }
            catch (IOException e) {
                closedByClient.complete(null);
                try {
                    client.close();
                }
                catch (IOException ignored) {
                    // already gone
                }
                throw new UncheckedIOException(e);
            }
        }, 0, pace.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits until the request's head was read and the answer's head sent. */
    public void awaitHeadSent()
    {
        Await.until("the answer's head sent", headSent::isDone);
    }

    public void awaitBytesSent(int count)
    {
        Await.until(count + " bytes trickled", () -> bytesSent.get() >= count);
    }

    /** Waits until the client has closed the connection (bounded only to turn a hang into a failure). */
    public void awaitClosedByClient()
    {
        Await.until("the client closed the connection", closedByClient::isDone);
    }

    /** Reads up to the blank line that ends a request's head. */
    public static void readRequestHead(InputStream in)
            throws IOException
    {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("request ended early");
            }
            head.write(b);
        }
    }

    @Override
    public void close()
            throws IOException
    {
        pacer.shutdownNow();
        socket.close();
        Socket accepted = client;
        if (accepted != null) {
            accepted.close();
        }
    }
}
