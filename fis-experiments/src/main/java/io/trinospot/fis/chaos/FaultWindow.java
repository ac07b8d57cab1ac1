package io.trinospot.fis.chaos;

import io.trinospot.fis.plan.PlanException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private FaultWindow() {}

    /**
     * @param query runs query N of the workload and checks it; never throws
     * @param progress told why the fault could not be injected, if it could not
     */
    static RunResult run(ChaosRun run, IntFunction<QueryCheck> query, Injection injection, Consumer<String> progress)
            throws InterruptedException
    {
        return run(run, query, injection, progress, () -> {});
    }

    /** As above; {@code closed} is told once no query will start any more. */
    static RunResult run(ChaosRun run, IntFunction<QueryCheck> query, Injection injection, Consumer<String> progress, Runnable closed)
            throws InterruptedException
    {
        List<QueryCheck> checks = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean faultOver = new AtomicBoolean();
        CountDownLatch firstStarted = new CountDownLatch(1);
        Thread workload = Thread.ofPlatform().name("chaos-workload").start(() -> {
            int number = 0;
            do {
                number++;
                firstStarted.countDown();
                checks.add(query.apply(number));
            }
            while (!faultOver.get());
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
            faultOver.set(true);
            closed.run();
        }
        workload.join();
        return new RunResult(run, checks, problem);
    }
}
