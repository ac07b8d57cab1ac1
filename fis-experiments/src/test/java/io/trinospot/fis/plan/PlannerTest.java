package io.trinospot.fis.plan;

import io.trinospot.fis.template.ExperimentTemplate;
import io.trinospot.fis.template.SelectionMode;
import io.trinospot.fis.template.TemplateReader;
import io.trinospot.fis.template.TemplateValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class PlannerTest
{
    private static final Map<String, String> CLUSTER = Map.of("Name", "MyTrinoCluster");

    /** The AWS blog post's topology plus instances no template may touch: another cluster's Spot node and a stopped one. */
    public static final List<LocalInstance> BLOG_FLEET = List.of(
            instance("coordinator", "MASTER", Lifecycle.ON_DEMAND, InstanceState.RUNNING),
            instance("core-1", "CORE", Lifecycle.ON_DEMAND, InstanceState.RUNNING),
            instance("core-2", "CORE", Lifecycle.ON_DEMAND, InstanceState.RUNNING),
            instance("spot-1", "TASK", Lifecycle.SPOT, InstanceState.RUNNING),
            instance("spot-2", "TASK", Lifecycle.SPOT, InstanceState.RUNNING),
            instance("spot-3", "TASK", Lifecycle.SPOT, InstanceState.RUNNING),
            instance("spot-4", "TASK", Lifecycle.SPOT, InstanceState.RUNNING),
            instance("spot-stopped", "TASK", Lifecycle.SPOT, InstanceState.STOPPED),
            new LocalInstance("other-cluster-spot", Map.of("Name", "SomeoneElse"), Lifecycle.SPOT, InstanceState.RUNNING));

    private static final Set<String> RUNNING_SPOT = Set.of("spot-1", "spot-2", "spot-3", "spot-4");

    @Test
    void blogTemplateNoticesEverySpotWorkerThenInterruptsAfterTwoMinutes()
            throws Exception
    {
        RunPlan plan = Planner.plan(template("emr-trino-interrupter.json"), BLOG_FLEET, 1);
        assertThat(plan.selected()).containsExactly(Map.entry("TrinoSpotNodes", List.of("spot-1", "spot-2", "spot-3", "spot-4")));
        assertThat(plan.steps()).extracting(Step::line).containsExactly(
                "+PT0S     start            InterruptSpotNodes       -",
                "+PT0S     rebalance        InterruptSpotNodes       spot-1",
                "+PT0S     spot-notice      InterruptSpotNodes       spot-1 (interruption at +PT2M)",
                "+PT0S     rebalance        InterruptSpotNodes       spot-2",
                "+PT0S     spot-notice      InterruptSpotNodes       spot-2 (interruption at +PT2M)",
                "+PT0S     rebalance        InterruptSpotNodes       spot-3",
                "+PT0S     spot-notice      InterruptSpotNodes       spot-3 (interruption at +PT2M)",
                "+PT0S     rebalance        InterruptSpotNodes       spot-4",
                "+PT0S     spot-notice      InterruptSpotNodes       spot-4 (interruption at +PT2M)",
                "+PT2M     interrupt        InterruptSpotNodes       spot-1",
                "+PT2M     interrupt        InterruptSpotNodes       spot-2",
                "+PT2M     interrupt        InterruptSpotNodes       spot-3",
                "+PT2M     interrupt        InterruptSpotNodes       spot-4",
                "+PT2M     end              InterruptSpotNodes       -");
        assertThat(plan.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void timeScaledPlanKeepsItsShapeWithEveryOffsetScaled()
            throws Exception
    {
        RunPlan plan = Planner.plan(template("staggered-waves.json"), BLOG_FLEET, 3);
        RunPlan quarter = plan.timeScaled(0.25);

        assertThat(quarter.selected()).isEqualTo(plan.selected());
        assertThat(quarter.steps()).hasSameSizeAs(plan.steps());
        for (int i = 0; i < plan.steps().size(); i++) {
            Step step = plan.steps().get(i);
            Step scaled = quarter.steps().get(i);
            assertThat(scaled.kind()).isEqualTo(step.kind());
            assertThat(scaled.instance()).isEqualTo(step.instance());
            assertThat(scaled.at()).isEqualTo(Duration.ofMillis(step.at().toMillis() / 4));
            assertThat(scaled.interruptionAt()).isEqualTo(step.interruptionAt().map(at -> Duration.ofMillis(at.toMillis() / 4)));
        }
        // a two-minute notice becomes 30 s, still ending in its interruption
        Step notice = quarter.steps().stream().filter(step -> step.kind() == StepKind.SPOT_NOTICE).findFirst().orElseThrow();
        assertThat(notice.interruptionAt().orElseThrow().minus(notice.at())).isEqualTo(Duration.ofSeconds(30));
        assertThat(quarter.duration()).isEqualTo(Duration.ofMillis(plan.duration().toMillis() / 4));
        assertThat(quarter.notes()).hasSize(plan.notes().size() + 1).last().asString().contains("scaled by 0.25");

        assertThat(plan.timeScaled(1)).isSameAs(plan);
        assertThatThrownBy(() -> plan.timeScaled(0)).hasMessageContaining("above 0 and at most 1, got 0.0");
        assertThatThrownBy(() -> plan.timeScaled(2)).hasMessageContaining("got 2.0");
        assertThatThrownBy(() -> plan.timeScaled(Double.NaN)).hasMessageContaining("got NaN");
    }

    @Test
    void oneRandomWorkerIsSeededAndCoversEveryWorkerAcrossSeeds()
            throws Exception
    {
        ExperimentTemplate template = template("one-random-spot-worker.json");
        Set<String> chosen = new HashSet<>();
        for (long seed = 0; seed < 64; seed++) {
            List<String> selected = Planner.plan(template, BLOG_FLEET, seed).selected().get("OneSpotWorker");
            assertThat(selected).hasSize(1);
            assertThat(RUNNING_SPOT).contains(selected.getFirst());
            assertThat(Planner.plan(template, BLOG_FLEET, seed).selected().get("OneSpotWorker")).isEqualTo(selected);
            chosen.add(selected.getFirst());
        }
        assertThat(chosen).isEqualTo(RUNNING_SPOT);
    }

    @Test
    void selectionDoesNotDependOnTheOrderTheFleetIsListedIn()
            throws Exception
    {
        ExperimentTemplate template = template("half-of-spot-workers.json");
        List<LocalInstance> shuffled = new ArrayList<>(BLOG_FLEET);
        Collections.reverse(shuffled);
        for (long seed = 0; seed < 16; seed++) {
            assertThat(Planner.plan(template, shuffled, seed).selected()).isEqualTo(Planner.plan(template, BLOG_FLEET, seed).selected());
        }
    }

    @Test
    void halfOfFourSpotWorkersIsTwo()
            throws Exception
    {
        RunPlan plan = Planner.plan(template("half-of-spot-workers.json"), BLOG_FLEET, 7);
        assertThat(plan.selected().get("HalfOfSpotWorkers")).hasSize(2).allSatisfy(name -> assertThat(RUNNING_SPOT).contains(name));
        assertThat(plan.steps()).filteredOn(step -> step.kind() == StepKind.INTERRUPT).hasSize(2)
                .allSatisfy(step -> assertThat(step.at()).isEqualTo(Duration.ofMinutes(2)));
    }

    @ParameterizedTest
    @CsvSource({"ALL,4,4", "COUNT(1),4,1", "COUNT(9),4,4", "PERCENT(50),4,2", "PERCENT(50),5,2", "PERCENT(10),4,1", "PERCENT(100),3,3", "PERCENT(75),4,3",
            "PERCENT(1),1,1"})
    void selectedCount(String mode, int matched, int expected)
    {
        assertThat(TargetResolver.selectedCount(SelectionMode.parse(mode), matched)).isEqualTo(expected);
    }

    @Test
    void staggeredWavesStartWhenThePreviousWaveIsReclaimedPlusThePause()
            throws Exception
    {
        ExperimentTemplate template = template("staggered-waves.json");
        // a seed whose three waves pick three different workers, so every wave runs in full
        long seed = seedWhere(template, plan -> plan.notes().isEmpty());
        RunPlan plan = Planner.plan(template, BLOG_FLEET, seed);
        assertThat(plan.steps()).filteredOn(step -> step.kind() == StepKind.ACTION_START || step.kind() == StepKind.ACTION_END)
                .extracting(step -> step.action() + " " + step.kind().label() + " +" + step.at())
                .containsExactly(
                        "Wave1 start +PT0S",
                        "Wave1 end +PT2M",
                        "PauseAfterWave1 start +PT2M",
                        "PauseAfterWave1 end +PT3M",
                        "Wave2 start +PT3M",
                        "Wave2 end +PT5M",
                        "PauseAfterWave2 start +PT5M",
                        "PauseAfterWave2 end +PT6M",
                        "Wave3 start +PT6M",
                        "Wave3 end +PT8M");
        assertThat(plan.steps()).filteredOn(step -> step.kind() == StepKind.SPOT_NOTICE)
                .extracting(step -> step.at() + "->" + step.interruptionAt().orElseThrow())
                .containsExactly("PT0S->PT2M", "PT3M->PT5M", "PT6M->PT8M");
        assertThat(plan.duration()).isEqualTo(Duration.ofMinutes(8));
    }

    @Test
    void aWaveWhoseWorkerIsAlreadyGoneIsSkippedWithANote()
            throws Exception
    {
        ExperimentTemplate template = template("staggered-waves.json");
        long seed = seedWhere(template, plan -> plan.selected().get("FirstWave").equals(plan.selected().get("SecondWave")));
        RunPlan plan = Planner.plan(template, BLOG_FLEET, seed);
        String worker = plan.selected().get("FirstWave").getFirst();
        assertThat(plan.notes()).contains("Wave2: " + worker + " is already gone at +PT3M (FIS resolves targets when the experiment starts, so this action would fail on AWS); skipped");
        assertThat(plan.steps()).filteredOn(step -> step.action().equals("Wave2") && step.instance().isPresent()).isEmpty();
    }

    @Test
    void stopVariantStopsOneCoreWorkerAndStartsItAfterThreeMinutes()
            throws Exception
    {
        RunPlan plan = Planner.plan(template("stop-one-core-worker.json"), BLOG_FLEET, 3);
        String worker = plan.selected().get("OneCoreWorker").getFirst();
        assertThat(worker).isIn("core-1", "core-2");
        assertThat(plan.steps()).extracting(Step::line).containsExactly(
                "+PT0S     start            StopOne                  -",
                "+PT0S     stop             StopOne                  " + worker,
                "+PT3M     start-instance   StopOne                  " + worker,
                "+PT3M     end              StopOne                  -");
    }

    @Test
    void terminateRebootAndArnTargets()
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse("""
                {"description": "x",
                 "targets": {"Two": {"resourceType": "aws:ec2:instance", "selectionMode": "ALL",
                   "resourceArns": ["arn:aws:ec2:us-east-1:123456789012:instance/core-2", "arn:aws:ec2:us-east-1:123456789012:instance/spot-3"]}},
                 "actions": {
                   "reboot": {"actionId": "aws:ec2:reboot-instances", "targets": {"Instances": "Two"}},
                   "wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT90S"}, "startAfter": ["reboot"]},
                   "kill": {"actionId": "aws:ec2:terminate-instances", "targets": {"Instances": "Two"}, "startAfter": ["wait"]}},
                 "stopConditions": [{"source": "none"}]}
                """, TemplateValidator.RoleArn.OPTIONAL);
        RunPlan plan = Planner.plan(template, BLOG_FLEET, 0);
        assertThat(plan.steps()).filteredOn(step -> step.instance().isPresent())
                .extracting(step -> step.at() + " " + step.kind().label() + " " + step.instance().orElseThrow())
                .containsExactly("PT0S reboot core-2", "PT0S reboot spot-3", "PT1M30S terminate core-2", "PT1M30S terminate spot-3");
    }

    @Test
    void aTemplateWithoutTargetsOnlyWaits()
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse("""
                {"description": "x", "actions": {"pause": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT2M"}}},
                 "stopConditions": [{"source": "none"}]}
                """, TemplateValidator.RoleArn.OPTIONAL);
        RunPlan plan = Planner.plan(template, BLOG_FLEET, 0);
        assertThat(plan.selected()).isEmpty();
        assertThat(plan.steps()).filteredOn(step -> step.instance().isPresent()).isEmpty();
        assertThat(plan.duration()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aTargetThatIdentifiesNothingFailsTheRunLikeFis()
    {
        List<LocalInstance> onDemandOnly = BLOG_FLEET.stream().filter(instance -> instance.lifecycle() == Lifecycle.ON_DEMAND).toList();
        assertThatThrownBy(() -> Planner.plan(template("emr-trino-interrupter.json"), onDemandOnly, 0))
                .isInstanceOf(PlanException.class)
                .hasMessage("target 'TrinoSpotNodes' identifies no instance (aws:ec2:spot-instance, tag Name=MyTrinoCluster, State.Name in [running])");
    }

    @Test
    void filtersThatCannotBeEvaluatedLocallyAreRefused()
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse("""
                {"description": "x",
                 "targets": {"T": {"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL", "resourceTags": {"Name": "MyTrinoCluster"},
                   "filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1a"]}]}},
                 "actions": {"a": {"actionId": "aws:ec2:send-spot-instance-interruptions", "parameters": {"durationBeforeInterruption": "PT2M"},
                   "targets": {"SpotInstances": "T"}}},
                 "stopConditions": [{"source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:A"}]}
                """, TemplateValidator.RoleArn.OPTIONAL);
        assertThatThrownBy(() -> Planner.plan(template, BLOG_FLEET, 0))
                .isInstanceOf(PlanException.class)
                .hasMessage("target 'T': filter path Placement.AvailabilityZone cannot be evaluated locally (supported: State.Name, InstanceLifecycle, InstanceId)");
    }

    @Test
    void alarmStopConditionsAreNotedAndInstanceLifecycleFilterWorks()
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse("""
                {"description": "x",
                 "targets": {"T": {"resourceType": "aws:ec2:instance", "selectionMode": "ALL", "resourceTags": {"Name": "MyTrinoCluster"},
                   "filters": [{"path": "InstanceLifecycle", "values": ["spot"]}, {"path": "State.Name", "values": ["running"]}]}},
                 "actions": {"a": {"actionId": "aws:ec2:terminate-instances", "targets": {"Instances": "T"}}},
                 "stopConditions": [{"source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:A"}]}
                """, TemplateValidator.RoleArn.OPTIONAL);
        RunPlan plan = Planner.plan(template, BLOG_FLEET, 0);
        assertThat(plan.selected().get("T")).containsExactlyElementsOf(RUNNING_SPOT.stream().sorted().toList());
        assertThat(plan.notes()).containsExactly(
                "stop condition arn:aws:cloudwatch:us-east-1:123456789012:alarm:A is a CloudWatch alarm: a local run cannot watch it and ignores it");
    }

    @Test
    void instancesFileRoundTripAndErrors()
            throws Exception
    {
        assertThat(InstancesFile.parse("""
                [{"name": "spot-1", "tags": {"Name": "MyTrinoCluster"}, "lifecycle": "spot", "state": "running"},
                 {"name": "core-1", "lifecycle": "on-demand", "state": "stopped"}]
                """)).containsExactly(
                new LocalInstance("spot-1", CLUSTER, Lifecycle.SPOT, InstanceState.RUNNING),
                new LocalInstance("core-1", Map.of(), Lifecycle.ON_DEMAND, InstanceState.STOPPED));
        assertThatThrownBy(() -> InstancesFile.parse("[{\"name\": \"a\", \"lifecycle\": \"reserved\", \"state\": \"running\"}]"))
                .hasMessage("instances[0].lifecycle: must be spot or on-demand, got 'reserved'");
        assertThatThrownBy(() -> InstancesFile.parse("[{\"name\": \"a\", \"lifecycle\": \"spot\", \"state\": \"running\"}, {\"name\": \"a\", \"lifecycle\": \"spot\", \"state\": \"running\"}]"))
                .hasMessage("instances[1].name: duplicate instance 'a'");
        assertThatThrownBy(() -> InstancesFile.parse("{}")).hasMessage("instances: must be a JSON array of {name, tags, lifecycle, state}");
        assertThatThrownBy(() -> InstancesFile.parse("[{}]")).hasMessage("instances[0].name: required string");
    }

    // ---- helpers ----

    private static long seedWhere(ExperimentTemplate template, java.util.function.Predicate<RunPlan> condition)
            throws PlanException
    {
        for (long seed = 0; seed < 1000; seed++) {
            if (condition.test(Planner.plan(template, BLOG_FLEET, seed))) {
                return seed;
            }
        }
        throw new AssertionError("no seed below 1000 satisfies the condition");
    }

    static LocalInstance instance(String name, String role, Lifecycle lifecycle, InstanceState state)
    {
        return new LocalInstance(name, Map.of("Name", "MyTrinoCluster", "aws:elasticmapreduce:instance-group-role", role), lifecycle, state);
    }

    public static ExperimentTemplate template(String name)
            throws Exception
    {
        try (InputStream in = PlannerTest.class.getResourceAsStream("/templates/" + name)) {
            return TemplateReader.parse(new String(Optional.ofNullable(in).orElseThrow().readAllBytes(), StandardCharsets.UTF_8), TemplateValidator.RoleArn.OPTIONAL);
        }
    }
}
