package io.trinospot.fis.aws;

import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.template.ExperimentTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs a template on AWS: creates the experiment template, starts an experiment from it and follows it until FIS
 * reports a terminal state, printing each change of the experiment's or an action's status.
 */
public final class AwsExperimentRunner
{
    private final FisApi fis;
    private final Clock clock;
    private final PlanPlayer.Sleeper sleeper;
    private final Duration pollInterval;
    private final Duration timeout;
    private final Supplier<String> tokens;
    private final Consumer<String> progress;

    public AwsExperimentRunner(FisApi fis, Clock clock, PlanPlayer.Sleeper sleeper, Duration pollInterval, Duration timeout, Supplier<String> tokens,
            Consumer<String> progress)
    {
        this.fis = requireNonNull(fis, "fis is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** Polls every 5 seconds for up to 2 hours, with random idempotency tokens. */
    public static AwsExperimentRunner standard(FisApi fis, Consumer<String> progress)
    {
        return new AwsExperimentRunner(fis, Clock.systemUTC(), duration -> Thread.sleep(duration), Duration.ofSeconds(5), Duration.ofHours(2),
                () -> UUID.randomUUID().toString(), progress);
    }

    /** The experiment's final state; throws when FIS refuses a call or the experiment outlives the timeout. */
    public ExperimentStatus run(ExperimentTemplate template)
            throws FisException, InterruptedException
    {
        String templateId = fis.createExperimentTemplate(template.json(), tokens.get());
        progress.accept("created experiment template " + templateId);
        ExperimentStatus status = fis.startExperiment(templateId, tokens.get());
        progress.accept("started experiment " + status.id() + ": " + describe(status));
        Instant deadline = clock.instant().plus(timeout);
        Map<String, String> actions = new HashMap<>(status.actions());
        String last = status.status();
        while (!status.isTerminal()) {
            if (clock.instant().isAfter(deadline)) {
                throw new FisException("experiment " + status.id() + " still " + status.status() + " after " + timeout + "; it keeps running on AWS");
            }
            sleeper.sleep(pollInterval);
            status = fis.getExperiment(status.id());
            for (var action : status.actions().entrySet()) {
                if (!action.getValue().equals(actions.put(action.getKey(), action.getValue()))) {
                    progress.accept("action " + action.getKey() + ": " + action.getValue());
                }
            }
            if (!status.status().equals(last)) {
                progress.accept("experiment " + status.id() + ": " + describe(status));
                last = status.status();
            }
        }
        return status;
    }

    private static String describe(ExperimentStatus status)
    {
        return status.status() + status.reason().map(reason -> " (" + reason + ")").orElse("");
    }
}
