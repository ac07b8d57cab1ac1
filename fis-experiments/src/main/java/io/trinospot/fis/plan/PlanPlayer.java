package io.trinospot.fis.plan;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Performs a {@link RunPlan} against a {@link LocalFleet} in real time: waits until each step's offset, then does it.
 * The clock and the sleep are injected so the timing can be tested without waiting.
 */
public final class PlanPlayer
{
    /** Waits; {@link Thread#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper
    {
        void sleep(Duration duration)
                throws InterruptedException;
    }

    private final LocalFleet fleet;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<String> progress;

    public PlanPlayer(LocalFleet fleet, Clock clock, Sleeper sleeper, Consumer<String> progress)
    {
        this.fleet = requireNonNull(fleet, "fleet is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** Plays every step; returns the instant the run started, which step offsets are relative to. */
    public Instant play(RunPlan plan)
            throws IOException, InterruptedException
    {
        Instant started = clock.instant();
        for (Step step : plan.steps()) {
            Duration wait = Duration.between(clock.instant(), started.plus(step.at()));
            if (wait.isPositive()) {
                sleeper.sleep(wait);
            }
            perform(step, started);
            progress.accept(step.line());
        }
        return started;
    }

    private void perform(Step step, Instant started)
            throws IOException
    {
        if (step.instance().isEmpty()) {
            return;
        }
        String instance = step.instance().get();
        switch (step.kind()) {
            // the notice carries the planned interruption time, not "now + 2 min", so a late step cannot move it
            case REBALANCE_RECOMMENDATION -> fleet.postRebalanceRecommendation(instance, started.plus(step.at()));
            case SPOT_NOTICE -> fleet.postSpotNotice(instance, started.plus(step.interruptionAt().orElseThrow()));
            case INTERRUPT -> fleet.interrupt(instance);
            case STOP -> fleet.stop(instance);
            case START -> fleet.start(instance);
            case TERMINATE -> fleet.terminate(instance);
            case REBOOT -> fleet.reboot(instance);
            case ACTION_START, ACTION_END -> {}
        }
    }
}
