package io.trinospot.watcher;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling waits: a condition that never comes true fails the test instead of hanging it.
 * The bounds are generous on purpose; they guard against hangs, not speed.
 */
public final class Await
{
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Await() {}

    public static void until(String description, BooleanSupplier condition)
    {
        until(description, DEFAULT_TIMEOUT, condition);
    }

    public static void until(String description, Duration timeout, BooleanSupplier condition)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + description, e);
            }
        }
    }
}
