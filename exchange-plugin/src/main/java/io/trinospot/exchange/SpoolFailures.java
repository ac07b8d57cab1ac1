package io.trinospot.exchange;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import static com.google.common.util.concurrent.Futures.immediateCancelledFuture;
import static com.google.common.util.concurrent.Futures.immediateFailedFuture;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

/**
 * Storage failures restated so that they say which spool file and what was being done to it: the storages' own
 * exceptions (an S3 status, a dropped connection, "No space left on device") often name neither.
 */
final class SpoolFailures
{
    private SpoolFailures() {}

    /** The future itself if it already succeeded (no allocation on the hot path); else one whose failure {@code restate} describes. */
    static <T> ListenableFuture<T> restated(ListenableFuture<T> future, Function<Throwable, IOException> restate)
    {
        if (succeeded(future)) {
            return future;
        }
        return Futures.catchingAsync(future, Throwable.class, failure -> {
            if (failure instanceof CancellationException) {
                return immediateCancelledFuture();
            }
            return immediateFailedFuture(restate.apply(failure));
        }, directExecutor());
    }

    static IOException failed(String operation, Object file, Throwable cause)
    {
        return new IOException("%s %s failed: %s".formatted(operation, file, cause), cause);
    }

    private static boolean succeeded(ListenableFuture<?> future)
    {
        if (!future.isDone() || future.isCancelled()) {
            return false;
        }
        try {
            Futures.getDone(future);
            return true;
        }
        catch (ExecutionException e) {
            return false;
        }
    }
}
