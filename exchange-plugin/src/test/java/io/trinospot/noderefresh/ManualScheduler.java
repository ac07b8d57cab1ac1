package io.trinospot.noderefresh;

import com.google.common.base.Ticker;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

/**
 * A {@link ScheduledExecutorService} without threads, and the clock it runs by: {@link #advance} moves time and runs,
 * on the caller's thread, each task whose time comes, earliest first, with the clock at that time while it runs. A
 * task's failure is kept in its future and ends a repeating task, as with the JDK's executors. Confined to the
 * test's thread.
 */
final class ManualScheduler
        extends AbstractExecutorService
        implements ScheduledExecutorService
{
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long nanos;
    private long sequence;
    private boolean shutdown;

    final Ticker ticker = new Ticker()
    {
        @Override
        public long read()
        {
            return nanos;
        }
    };

    void advance(long amount, TimeUnit unit)
    {
        long target = nanos + unit.toNanos(amount);
        while (!queue.isEmpty() && queue.peek().time <= target) {
            Task<?> task = queue.poll();
            if (task.isDone()) {
                continue;
            }
            nanos = task.time;
            task.run();
        }
        nanos = target;
    }

    /** Tasks still to run, repeating ones included; cancelled or failed ones are not. */
    long pending()
    {
        return queue.stream().filter(task -> !task.isDone()).count();
    }

    private <V> Task<V> enqueue(Task<V> task)
    {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        queue.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit)
    {
        return enqueue(new Task<Void>(Executors.callable(command, (Void) null), nanos + unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit)
    {
        return enqueue(new Task<>(callable, nanos + unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit)
    {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive: " + delay);
        }
        return enqueue(new Task<Void>(Executors.callable(command, (Void) null), nanos + unit.toNanos(initialDelay), unit.toNanos(delay)));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit)
    {
        // with time standing still while a task runs, a fixed rate and a fixed delay run at the same times
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public void execute(Runnable command)
    {
        schedule(command, 0, NANOSECONDS);
    }

    @Override
    public void shutdown()
    {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow()
    {
        shutdown = true;
        List<Runnable> dropped = new ArrayList<>(queue);
        queue.clear();
        return dropped;
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown;
    }

    @Override
    public boolean isTerminated()
    {
        return shutdown && pending() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit)
    {
        return isTerminated();
    }

    private final class Task<V>
            extends FutureTask<V>
            implements ScheduledFuture<V>
    {
        private final long delayNanos;
        private final long order = sequence++;
        private long time;

        Task(Callable<V> callable, long time, long delayNanos)
        {
            super(callable);
            this.time = time;
            this.delayNanos = delayNanos;
        }

        @Override
        public void run()
        {
            if (delayNanos == 0) {
                super.run();
            }
            else if (runAndReset() && !shutdown) {
                time = nanos + delayNanos;
                queue.add(this);
            }
        }

        @Override
        public long getDelay(TimeUnit unit)
        {
            return unit.convert(time - nanos, NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other)
        {
            if (other instanceof Task<?> task) {
                int byTime = Long.compare(time, task.time);
                return byTime != 0 ? byTime : Long.compare(order, task.order);
            }
            return Long.compare(getDelay(NANOSECONDS), other.getDelay(NANOSECONDS));
        }
    }
}
