package io.trinospot.fis.aws;

import io.trinospot.fis.plan.PlanPlayer;
import io.trinospot.fis.template.ExperimentTemplate;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs a template on AWS: creates the experiment template, starts an experiment from it and follows it until FIS
 * reports a terminal state, printing each change of the experiment's or an action's status.
 *
 * <p>Each call that FIS throttles or fails on its side is sent again, unchanged and with the same idempotency token,
 * after a growing pause: up to {@value #MAX_ATTEMPTS} attempts, waiting 1, 2, 4, then 8 seconds. Once an experiment
 * is started, a runner that gives up on it (a call still failing, the timeout, an interrupt) stops it with
 * StopExperiment rather than leave it acting on instances that nobody watches.
 */
public final class AwsExperimentRunner
{
    static final int MAX_ATTEMPTS = 5;

    private final FisApi fis;
    private final InstantSource clock;
    private final PlanPlayer.Sleeper sleeper;
    private final Duration pollInterval;
    private final Duration timeout;
    private final Supplier<String> tokens;
    private final Consumer<String> progress;
    // no jitter: jitter spreads the retries of many clients, and one runner follows one experiment
    private final RetryStrategy retries = StandardRetryStrategy.builder()
            .maxAttempts(MAX_ATTEMPTS)
            .backoffStrategy(BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(20)))
            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(20)))
            .retryOnException(failure -> failure instanceof FisException e && e.retryable())
            .treatAsThrottling(failure -> failure instanceof FisException e && e.kind() == FisException.Kind.THROTTLED)
            // the attempt limit bounds each call; a breaker shared across calls would only make the bound harder to tell
            .circuitBreakerEnabled(false)
            .build();

    public AwsExperimentRunner(FisApi fis, InstantSource clock, PlanPlayer.Sleeper sleeper, Duration pollInterval, Duration timeout, Supplier<String> tokens,
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
        return new AwsExperimentRunner(fis, Clock.systemUTC(), Thread::sleep, Duration.ofSeconds(5), Duration.ofHours(2),
                () -> UUID.randomUUID().toString(), progress);
    }

    /**
     * The experiment's final state. Throws when FIS refuses a call, a call still fails after its retries, the
     * experiment outlives the timeout, or the thread is interrupted; once the experiment was started, the message also
     * says whether StopExperiment stopped it.
     */
    public ExperimentStatus run(ExperimentTemplate template)
            throws FisException, InterruptedException
    {
        // the template's own token makes creating it idempotent across runs; otherwise one token serves this run's retries
        String templateToken = template.clientToken().orElseGet(tokens);
        String templateId = withRetries("CreateExperimentTemplate", () -> fis.createExperimentTemplate(template.json(), templateToken));
        progress.accept("created experiment template " + templateId);
        String startToken = tokens.get();
        ExperimentStatus started = withRetries("StartExperiment", () -> fis.startExperiment(templateId, startToken));
        progress.accept("started experiment " + started.id() + ": " + describe(started));
        try {
            return follow(started);
        }
        catch (FisException e) {
            throw new FisException(e.getMessage() + "; " + stop(started.id()), e.kind(), e);
        }
        catch (InterruptedException e) {
            FisException failure = new FisException("interrupted while following experiment " + started.id() + "; " + stop(started.id()), FisException.Kind.PERMANENT, e);
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    private ExperimentStatus follow(ExperimentStatus status)
            throws FisException, InterruptedException
    {
        Instant deadline = clock.instant().plus(timeout);
        Map<String, String> actions = new HashMap<>(status.actions());
        String last = status.status();
        while (!status.isTerminal()) {
            if (clock.instant().isAfter(deadline)) {
                throw new FisException("experiment " + status.id() + " still " + status.status() + " after " + timeout);
            }
            sleeper.sleep(pollInterval);
            String id = status.id();
            status = withRetries("GetExperiment", () -> fis.getExperiment(id));
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

    /** Stops the experiment; says in a few words whether that worked, for the caller's one line. */
    private String stop(String experimentId)
    {
        // a pending interrupt would cut the StopExperiment call short; it is restored afterwards
        boolean interrupted = Thread.interrupted();
        try {
            ExperimentStatus stopped = withRetries("StopExperiment", () -> fis.stopExperiment(experimentId));
            return "sent StopExperiment, experiment " + experimentId + " is now " + describe(stopped);
        }
        catch (FisException e) {
            return "could not stop experiment " + experimentId + ", it may still be running on AWS: " + e.getMessage();
        }
        catch (InterruptedException e) {
            interrupted = true;
            return "interrupted while stopping experiment " + experimentId + ", it may still be running on AWS";
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    private interface Call<T>
    {
        T call()
                throws FisException, InterruptedException;
    }

    private <T> T withRetries(String operation, Call<T> call)
            throws FisException, InterruptedException
    {
        RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(operation)).token();
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.call();
                retries.recordSuccess(RecordSuccessRequest.create(token));
                return result;
            }
            catch (FisException e) {
                RefreshRetryTokenResponse retry;
                try {
                    retry = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(e).build());
                }
                catch (TokenAcquisitionFailedException giveUp) {
                    if (!e.retryable()) {
                        throw e;
                    }
                    throw new FisException(e.getMessage() + ", " + attempt + " attempts", e.kind(), e);
                }
                progress.accept(operation + " attempt " + attempt + " of " + MAX_ATTEMPTS + " failed, retrying in " + retry.delay().toSeconds() + " s: " + e.getMessage());
                token = retry.token();
                sleeper.sleep(retry.delay());
            }
        }
    }

    private static String describe(ExperimentStatus status)
    {
        return status.status() + status.reason().map(reason -> " (" + reason + ")").orElse("");
    }
}
