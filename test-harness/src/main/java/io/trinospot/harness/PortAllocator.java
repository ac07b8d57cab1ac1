package io.trinospot.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Hands out free loopback ports that no other harness on this machine holds.
 * <p>
 * A port that is free now may be taken by a parallel run before our server binds it, so every port
 * handed out is also locked in a shared directory for as long as this allocator lives. Locks die with
 * their JVM, so a crashed run never leaks a reservation.
 */
public final class PortAllocator
        implements AutoCloseable
{
    private static final Path LOCK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "trino-spot-ports");
    private static final int ATTEMPTS = 200;

    // Below Linux's default ephemeral range (32768-60999): a port the kernel hands out for some client socket
    // or port-0 bind between our check and the server's bind would otherwise make the server fail to start.
    private static final int FIRST_PORT = 20000;
    private static final int LAST_PORT = 32000;

    private final List<FileChannel> held = new ArrayList<>();
    private final Random random = new Random();

    public synchronized int allocate()
    {
        try {
            Files.createDirectories(LOCK_DIR);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = FIRST_PORT + random.nextInt(LAST_PORT - FIRST_PORT + 1);
                if (!bindable(port)) {
                    continue;
                }
                FileChannel channel = FileChannel.open(LOCK_DIR.resolve(port + ".lock"), CREATE, WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                }
                catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    continue;
                }
                held.add(channel);
                return port;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot allocate a port", e);
        }
        throw new IllegalStateException("No free loopback port after " + ATTEMPTS + " attempts");
    }

    private static boolean bindable(int port)
    {
        // Trino binds the wildcard address, so check that, not only loopback.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port), 1);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close()
    {
        for (FileChannel channel : held) {
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
        held.clear();
    }
}
