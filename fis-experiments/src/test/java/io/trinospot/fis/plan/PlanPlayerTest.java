package io.trinospot.fis.plan;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanPlayerTest
{
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    /** A clock that only moves when the player sleeps, so every call's time is exact. */
    private static final class FakeTime
            extends Clock
    {
        private Instant now = T0;

        @Override
        public Instant instant()
        {
            return now;
        }

        @Override
        public ZoneOffset getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone)
        {
            return this;
        }
    }

    /** Records every call with the offset it came at. */
    private static class RecordingFleet
            implements LocalFleet
    {
        private final FakeTime time;
        private final List<String> calls = new ArrayList<>();

        RecordingFleet(FakeTime time)
        {
            this.time = time;
        }

        private void record(String call)
        {
            calls.add("+" + Duration.between(T0, time.instant()) + " " + call);
        }

        @Override
        public List<LocalInstance> instances()
        {
            return PlannerTest.BLOG_FLEET;
        }

        @Override
        public void postRebalanceRecommendation(String instance, Instant noticeTime)
        {
            record("rebalance " + instance + " " + noticeTime);
        }

        @Override
        public void postSpotNotice(String instance, Instant interruptionTime)
        {
            record("notice " + instance + " " + interruptionTime);
        }

        @Override
        public void interrupt(String instance)
        {
            record("interrupt " + instance);
        }

        @Override
        public void stop(String instance)
        {
            record("stop " + instance);
        }

        @Override
        public void start(String instance)
        {
            record("start " + instance);
        }

        @Override
        public void terminate(String instance)
        {
            record("terminate " + instance);
        }

        @Override
        public void reboot(String instance)
        {
            record("reboot " + instance);
        }
    }

    @Test
    void playsTheBlogExperimentAtThePlannedOffsets()
            throws Exception
    {
        FakeTime time = new FakeTime();
        RecordingFleet fleet = new RecordingFleet(time);
        List<Duration> sleeps = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        RunPlan plan = Planner.plan(PlannerTest.template("one-random-spot-worker.json"), fleet.instances(), 42);
        String worker = plan.selected().get("OneSpotWorker").getFirst();

        Instant started = new PlanPlayer(fleet, time, duration -> {
            sleeps.add(duration);
            time.now = time.now.plus(duration);
        }, progress::add).play(plan);

        assertThat(started).isEqualTo(T0);
        assertThat(fleet.calls).containsExactly(
                "+PT0S rebalance " + worker + " 2026-11-22T10:00:00Z",
                "+PT0S notice " + worker + " 2026-11-22T10:02:00Z",
                "+PT2M interrupt " + worker);
        assertThat(sleeps).containsExactly(Duration.ofMinutes(2));
        assertThat(progress).hasSize(plan.steps().size());
    }

    @Test
    void aSlowStepDoesNotMoveTheNoticeTimeOrDelayLaterSteps()
            throws Exception
    {
        FakeTime time = new FakeTime();
        RecordingFleet fleet = new RecordingFleet(time)
        {
            @Override
            public void postSpotNotice(String instance, Instant interruptionTime)
            {
                super.postSpotNotice(instance, interruptionTime);
                time.now = time.now.plusSeconds(30); // an IMDS emulator that answers slowly
            }
        };
        List<Duration> sleeps = new ArrayList<>();
        RunPlan plan = Planner.plan(PlannerTest.template("one-random-spot-worker.json"), fleet.instances(), 42);
        new PlanPlayer(fleet, time, duration -> {
            sleeps.add(duration);
            time.now = time.now.plus(duration);
        }, _ -> {}).play(plan);
        assertThat(fleet.calls.get(1)).endsWith("2026-11-22T10:02:00Z");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(90));
        assertThat(fleet.calls.get(2)).startsWith("+PT2M interrupt");
    }
}
