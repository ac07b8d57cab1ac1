package io.trinospot.watcher;

import java.util.function.IntConsumer;

import static java.util.Objects.requireNonNull;

/**
 * What the agent does with a throwable no code of its own handles: an {@code Error} on a drain step, or anything
 * that would end one of its threads. It logs it and ends the process with a non-zero status, so the service
 * manager (systemd's {@code Restart=always}) starts a fresh agent: after an {@code Error} the agent's state cannot
 * be trusted, and an agent with a dead thread keeps running without watching or draining.
 */
public final class FatalErrors
        implements Thread.UncaughtExceptionHandler
{
    /** {@code EX_SOFTWARE} of sysexits.h: an internal error. */
    public static final int EXIT_STATUS = 70;
    private static final System.Logger LOG = System.getLogger(FatalErrors.class.getName());

    private final IntConsumer exit;

    /**
     * @param exit ends the process with the given status; tests record the call instead
     */
    public FatalErrors(IntConsumer exit)
    {
        this.exit = requireNonNull(exit, "exit is null");
    }

    /** Halts the JVM: shutdown hooks would try to close the very parts that just failed, and could hang. */
    public static FatalErrors halting()
    {
        return new FatalErrors(status -> Runtime.getRuntime().halt(status));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error)
    {
        try {
            LOG.log(System.Logger.Level.ERROR, "uncaught " + error + " on thread " + thread.getName() + "; exiting with status " + EXIT_STATUS
                    + " so the agent is restarted", error);
        }
        catch (Throwable ignored) {
            // Out of memory, most likely: exiting matters more than the log line.
        }
        finally {
            exit.accept(EXIT_STATUS);
        }
    }

    /** Reports {@code error}, caught on the current thread, as uncaught. */
    public void fatal(Throwable error)
    {
        uncaughtException(Thread.currentThread(), error);
    }
}
