package io.trinospot.cli.fis;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * While open, a JVM asked to exit (Ctrl-C, SIGTERM) first interrupts the thread that opened it and waits, up to a
 * bound, until that thread closes it. {@code fis run --aws} uses this so that the runner, interrupted, stops the
 * experiment it started and its one line is printed before the JVM ends.
 */
final class InterruptOnExit
        implements AutoCloseable
{
    /** Where the hook goes; the JVM's own in production. */
    interface Hooks
    {
        Hooks RUNTIME = new Hooks()
        {
            @Override
            public void add(Thread hook)
            {
                Runtime.getRuntime().addShutdownHook(hook);
            }

            @Override
            public void remove(Thread hook)
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        };

        void add(Thread hook);

        void remove(Thread hook);
    }

    // StopExperiment with its retries (15 s of pauses) and a slow answer or two; the JVM ends regardless after that
    static final Duration GRACE = Duration.ofSeconds(60);

    private final Hooks hooks;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    InterruptOnExit(Hooks hooks)
    {
        this.hooks = requireNonNull(hooks, "hooks is null");
        Thread worker = Thread.currentThread();
        this.hook = new Thread(() -> {
            worker.interrupt();
            try {
                closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fis-run-interrupt-on-exit");
        hooks.add(hook);
    }

    @Override
    public void close()
    {
        closed.countDown();
        try {
            hooks.remove(hook);
        }
        catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and has just been released
        }
    }
}
