package io.trinospot.harness.time;

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
 * time passing inside a call. A task's failure is kept in its future and ends a repeating task, as the JDK's
 * executors do. Like {@code ScheduledThreadPoolExecutor}, {@link #shutdown} still runs delayed one-shot tasks, stops
 * repeating ones, and {@link #shutdownNow} drops them all. For unit tests that control time; confined to the
 * test's thread.
 */
public final class ManualScheduler
        extends AbstractExecutorService
        implements ScheduledExecutorService
{
    // More runs than this without time moving means a task keeps rescheduling itself with no delay.
    private static final int MAX_RUNS_AT_ONE_INSTANT = 10_000;

    private final ManualClock clock;
    private final Instant start;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    /** A scheduler with a clock of its own, starting at an arbitrary fixed instant. */
    public ManualScheduler()
    {
        this(new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
    }

    public ManualScheduler(ManualClock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.start = clock.instant();
    }

    /** Nanoseconds since this scheduler was made, for code that reads a monotonic ticker. */
    public long nanoTime()
    {
        return Duration.between(start, clock.instant()).toNanos();
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

    public void advance(long amount, TimeUnit unit)
    {
        advance(Duration.of(amount, unit.toChronoUnit()));
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
            if (task.isDone()) {
                continue;
            }
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

    /** Tasks waiting for their time, repeating ones included; cancelled or failed ones left out. */
    public int pendingTasks()
    {
        return (int) queue.stream().filter(task -> !task.isDone()).count();
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
        return enqueue(new Task<>(callable, clock.instant().plus(Duration.of(Math.max(0, delay), unit.toChronoUnit())), Duration.ZERO));
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
    public void execute(Runnable command)
    {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit)
    {
        // time stands still while a task runs, so a fixed rate and a fixed delay run at the same times
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit)
    {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive: " + delay);
        }
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        return enqueue(new Task<Void>(Executors.callable(requireNonNull(command, "command is null"), null),
                clock.instant().plus(Duration.of(Math.max(0, initialDelay), unit.toChronoUnit())), Duration.of(delay, unit.toChronoUnit())));
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
        private final Duration repeatAfter;
        private final long order = sequence++;
        private Instant at;

        Task(Callable<V> callable, Instant at, Duration repeatAfter)
        {
            super(callable);
            this.at = at;
            this.repeatAfter = repeatAfter;
        }

        @Override
        public void run()
        {
            if (repeatAfter.isZero()) {
                super.run();
            }
            else if (runAndReset() && !shutdown) {
                at = clock.instant().plus(repeatAfter);
                queue.add(this);
            }
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
                return byTime != 0 ? byTime : Long.compare(order, task.order);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
