package io.trinospot.fis.chaos;

import io.trinospot.fis.plan.PlanException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A run's workload against its fault: queries 1, 2, ... run back to back from the start; the fault is injected once
 * the first has started; when the injection is over (or failed, or was interrupted) no query starts, and the one in
 * flight finishes as the last. So every run checks at least one query, and the fault always meets one.
 */
final class FaultWindow
{
    /** Injects the run's fault and returns when it is over. */
    @FunctionalInterface
    interface Injection
    {
        void inject()
                throws PlanException, IOException, InterruptedException;
    }

    /**
     * Waits, after a query failed, before the next starts, or less when the fault ends first: a user retries after a
     * moment, and a fault that fails every query at once (an S3 burst at planning) would otherwise start hundreds.
     */
    @FunctionalInterface
    interface Pause
    {
        void after(QueryCheck failed, CountDownLatch faultOver)
                throws InterruptedException;
    }

    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

    private FaultWindow() {}

    /**
     * @param query runs query N of the workload and checks it; never throws
     * @param progress told why the fault could not be injected, if it could not
     */
    static RunResult run(ChaosRun run, IntFunction<QueryCheck> query, Injection injection, Consumer<String> progress)
            throws InterruptedException
    {
        return run(run, query, injection, progress, () -> {}, (_, faultOver) -> faultOver.await(PAUSE_AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** As above; {@code closed} is told once no query will start any more, and {@code pause} runs after each failed query while the fault lasts. */
    static RunResult run(ChaosRun run, IntFunction<QueryCheck> query, Injection injection, Consumer<String> progress, Runnable closed, Pause pause)
            throws InterruptedException
    {
        List<QueryCheck> checks = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch faultOver = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        Thread workload = Thread.ofPlatform().name("chaos-workload").start(() -> {
            int number = 0;
            do {
                number++;
                firstStarted.countDown();
                QueryCheck check = query.apply(number);
                checks.add(check);
                if (check.outcome() == QueryCheck.Outcome.FAILED_LOUDLY && faultOver.getCount() > 0) {
                    try {
                        pause.after(check, faultOver);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            while (faultOver.getCount() > 0);
        });
        Optional<String> problem = Optional.empty();
        // the workload stops starting queries however this ends, an interrupt included
        try {
            firstStarted.await();
            injection.inject();
        }
        catch (PlanException | IOException | RuntimeException e) {
            problem = Optional.of(QueryCheck.errorLine(e));
            progress.accept("could not inject the fault: " + problem.get());
        }
        finally {
            faultOver.countDown();
            closed.run();
        }
        workload.join();
        return new RunResult(run, checks, problem);
    }
}
