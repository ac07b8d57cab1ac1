package io.trinospot.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for servers to come up, failing fast with the log tail when the process dies. */
public final class Waits
{
    private static final Duration POLL = Duration.ofMillis(200);

    private Waits() {}

    public static void until(String what, Duration timeout, ManagedProcess process, BooleanSupplier condition)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("Waiting for " + what + " failed: " + process.deathReport());
            }
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String tail = process == null ? "" : "\nLast lines of " + process.logFile() + ":\n" + process.logTail(40);
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what + tail);
            }
            sleep(POLL);
        }
    }

    public static boolean portOpen(int port)
    {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    public static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
