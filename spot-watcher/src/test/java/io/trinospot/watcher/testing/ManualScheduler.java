package io.trinospot.watcher.testing;

import io.trinospot.harness.imds.ManualClock;

import java.time.Duration;
import java.time.Instant;
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

import static java.util.Objects.requireNonNull;

/**
 * A {@link ScheduledExecutorService} with no threads: tasks run on the caller's thread when {@link #advance} moves
 * the {@link ManualClock} to their time, earliest first, those due at the same time in the order they were
 * scheduled, with the clock set to their time while they run. Advancing the clock itself runs nothing: that is
 * time passing inside a call. A task's failure is kept in its future, as the JDK's executors do. Like
 * {@code ScheduledThreadPoolExecutor}, {@link #shutdown} still runs delayed tasks and {@link #shutdownNow} drops
 * them. Confined to the test's thread.
 */
public final class ManualScheduler
        extends AbstractExecutorService
        implements ScheduledExecutorService
{
    // More runs than this without time moving means a task keeps rescheduling itself with no delay.
    private static final int MAX_RUNS_AT_ONE_INSTANT = 10_000;

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    public ManualScheduler(ManualClock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public ManualClock clock()
    {
        return clock;
    }

    /** Runs what is due now, including what those tasks schedule for now. */
    public void runDue()
    {
        advance(Duration.ZERO);
    }

    /** Moves time forward by {@code duration}, running each task when its time comes. */
    public void advance(Duration duration)
    {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + duration);
        }
        Instant target = clock.instant().plus(duration);
        Instant lastRunAt = null;
        int runsAtOneInstant = 0;
        while (!queue.isEmpty() && !queue.peek().at.isAfter(target)) {
            Task<?> task = queue.poll();
            advanceTo(task.at);
            if (clock.instant().equals(lastRunAt)) {
                if (++runsAtOneInstant > MAX_RUNS_AT_ONE_INSTANT) {
                    throw new IllegalStateException("more than " + MAX_RUNS_AT_ONE_INSTANT + " tasks ran at " + lastRunAt + " without time moving");
                }
            }
            else {
                lastRunAt = clock.instant();
                runsAtOneInstant = 1;
            }
            task.run();
        }
        advanceTo(target);
    }

    // A task may itself have moved the clock past this (a slow call); time does not go back.
    private void advanceTo(Instant instant)
    {
        if (instant.isAfter(clock.instant())) {
            clock.set(instant);
        }
    }

    /** Tasks waiting for their time, cancelled ones left out. */
    public int pendingTasks()
    {
        return (int) queue.stream().filter(task -> !task.isCancelled()).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit)
    {
        return schedule(Executors.callable(requireNonNull(command, "command is null")), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit)
    {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Task<V> task = new Task<>(callable, clock.instant().plus(Duration.of(Math.max(0, delay), unit.toChronoUnit())), sequence++);
        queue.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command)
    {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit)
    {
        throw new UnsupportedOperationException("periodic tasks are not supported");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit)
    {
        throw new UnsupportedOperationException("periodic tasks are not supported");
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
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit)
    {
        // Nothing runs unless the test advances time: waiting cannot change the answer.
        return isTerminated();
    }

    private final class Task<V>
            extends FutureTask<V>
            implements ScheduledFuture<V>
    {
        private final Instant at;
        private final long sequence;

        Task(Callable<V> callable, Instant at, long sequence)
        {
            super(callable);
            this.at = at;
            this.sequence = sequence;
        }

        @Override
        public long getDelay(TimeUnit unit)
        {
            return unit.convert(Duration.between(clock.instant(), at));
        }

        @Override
        public int compareTo(Delayed other)
        {
            if (other instanceof Task<?> task) {
                int byTime = at.compareTo(task.at);
                return byTime != 0 ? byTime : Long.compare(sequence, task.sequence);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
