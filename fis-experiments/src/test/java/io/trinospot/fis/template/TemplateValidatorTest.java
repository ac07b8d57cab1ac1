package io.trinospot.fis.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.trinospot.fis.template.TemplateValidator.RoleArn.OPTIONAL;
import static io.trinospot.fis.template.TemplateValidator.RoleArn.REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateValidatorTest
{
    /** A small valid template every bad case starts from, so each case shows only the one change it makes. */
    private static final String BASE = """
            {
              "description": "base",
              "targets": {
                "Spot": {
                  "resourceType": "aws:ec2:spot-instance",
                  "resourceTags": {"Name": "MyTrinoCluster"},
                  "filters": [{"path": "State.Name", "values": ["running"]}],
                  "selectionMode": "ALL"
                },
                "Any": {
                  "resourceType": "aws:ec2:instance",
                  "resourceArns": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"],
                  "selectionMode": "COUNT(1)"
                }
              },
              "actions": {
                "interrupt": {
                  "actionId": "aws:ec2:send-spot-instance-interruptions",
                  "parameters": {"durationBeforeInterruption": "PT2M"},
                  "targets": {"SpotInstances": "Spot"}
                },
                "pause": {
                  "actionId": "aws:fis:wait",
                  "parameters": {"duration": "PT1M"},
                  "startAfter": ["interrupt"]
                },
                "stop": {
                  "actionId": "aws:ec2:stop-instances",
                  "parameters": {"startInstancesAfterDuration": "PT5M"},
                  "targets": {"Instances": "Any"},
                  "startAfter": ["pause"]
                }
              },
              "stopConditions": [{"source": "none"}]
            }
            """;

    @ParameterizedTest
    @ValueSource(strings = {"emr-trino-interrupter.json", "one-random-spot-worker.json", "half-of-spot-workers.json",
            "staggered-waves.json", "stop-one-core-worker.json"})
    void shippedTemplatesAreValid(String name)
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse(resource("/templates/" + name), OPTIONAL);
        assertThat(template.actions()).isNotEmpty();
        assertThat(template.stopConditions()).containsExactly(new StopCondition("none", java.util.Optional.empty()));
    }

    @Test
    void blogTemplateReadsAsWritten()
            throws Exception
    {
        ExperimentTemplate template = TemplateReader.parse(resource("/templates/emr-trino-interrupter.json"), OPTIONAL);
        Target target = template.target("TrinoSpotNodes");
        assertThat(target.resourceType()).isEqualTo(ResourceType.EC2_SPOT_INSTANCE);
        assertThat(target.resourceTags()).containsExactly(java.util.Map.entry("Name", "MyTrinoCluster"));
        assertThat(target.filters()).containsExactly(new TargetFilter("State.Name", List.of("running")));
        assertThat(target.selectionMode()).isEqualTo(new SelectionMode.All());
        Action action = template.action("InterruptSpotNodes");
        assertThat(action.type()).isEqualTo(ActionType.SEND_SPOT_INSTANCE_INTERRUPTIONS);
        assertThat(action.duration("durationBeforeInterruption")).contains(java.time.Duration.ofMinutes(2));
        assertThat(action.target()).contains("TrinoSpotNodes");
        assertThat(template.tags()).containsEntry("Name", "EMR_Trino_Interrupter");
    }

    @Test
    void baseIsValid()
    {
        assertThat(TemplateValidator.validate(json(BASE), OPTIONAL)).isEmpty();
    }

    static Stream<Arguments> badTemplates()
    {
        return Stream.of(
                bad("not an object", d -> {}, "[]", "$: must be a JSON object"),
                bad("missing required fields", d -> d.remove(List.of("description", "targets", "actions", "stopConditions"))),
                bad("missing required fields (messages)", d -> d.remove(List.of("description", "targets", "actions", "stopConditions")), null,
                        "$.description: required",
                        "$.actions: required",
                        "$.stopConditions: required (use [{\"source\": \"none\"}] for none)"),
                bad("unknown top-level field", d -> d.put("stopCondition", "none"), null,
                        "$.stopCondition: unknown field (expected one of: actions, clientToken, description, experimentOptions, experimentReportConfiguration, logConfiguration, roleArn, stopConditions, tags, targets)"),
                bad("description not a string", d -> d.put("description", 5), null, "$.description: must be a string"),
                bad("no targets while actions name them", d -> d.remove("targets"), null,
                        "$.actions.interrupt.targets.SpotInstances: no target named 'Spot' in $.targets",
                        "$.actions.stop.targets.Instances: no target named 'Any' in $.targets"),
                bad("client token not a string", d -> d.put("clientToken", 7), null, "$.clientToken: must be a string"),
                bad("client token empty", d -> d.put("clientToken", ""), null, "$.clientToken: must be 1 to 1024 characters without whitespace"),
                bad("client token with a space", d -> d.put("clientToken", "run 1"), null, "$.clientToken: must be 1 to 1024 characters without whitespace"),
                bad("client token too long", d -> d.put("clientToken", "x".repeat(1025)), null, "$.clientToken: must be 1 to 1024 characters without whitespace"),
                bad("description too long", d -> d.put("description", "x".repeat(513)), null, "$.description: must be at most 512 characters"),
                bad("role ARN malformed", d -> d.put("roleArn", "arn:aws:iam::12:role/x"), null,
                        "$.roleArn: not an IAM role ARN like arn:aws:iam::123456789012:role/NAME: 'arn:aws:iam::12:role/x'"),
                bad("unknown resource type", d -> target(d, "Any").put("resourceType", "aws:rds:cluster"), null,
                        "$.targets.Any.resourceType: unknown resource type 'aws:rds:cluster' (known: aws:ec2:instance, aws:ec2:spot-instance)"),
                bad("missing resource type and selection mode", d -> target(d, "Any").remove(List.of("resourceType", "selectionMode")), null,
                        "$.targets.Any.resourceType: required",
                        "$.targets.Any.selectionMode: required"),
                bad("selection mode garbage", d -> target(d, "Spot").put("selectionMode", "SOME(2)"), null,
                        "$.targets.Spot.selectionMode: must be ALL, COUNT(n) or PERCENT(n), got 'SOME(2)'"),
                bad("selection mode lower case", d -> target(d, "Spot").put("selectionMode", "all"), null,
                        "$.targets.Spot.selectionMode: must be ALL, COUNT(n) or PERCENT(n), got 'all'"),
                bad("count zero", d -> target(d, "Spot").put("selectionMode", "COUNT(0)"), null,
                        "$.targets.Spot.selectionMode: COUNT(n) needs n of at least 1, got 0"),
                bad("count negative", d -> target(d, "Spot").put("selectionMode", "COUNT(-1)"), null,
                        "$.targets.Spot.selectionMode: must be ALL, COUNT(n) or PERCENT(n), got 'COUNT(-1)'"),
                bad("percent zero", d -> target(d, "Spot").put("selectionMode", "PERCENT(0)"), null,
                        "$.targets.Spot.selectionMode: PERCENT(n) needs n between 1 and 100, got 0"),
                bad("percent over 100", d -> target(d, "Spot").put("selectionMode", "PERCENT(101)"), null,
                        "$.targets.Spot.selectionMode: PERCENT(n) needs n between 1 and 100, got 101"),
                bad("tags and ARNs together", d -> target(d, "Any").putObject("resourceTags").put("Name", "x"), null,
                        "$.targets.Any: resourceArns and resourceTags are mutually exclusive: use one"),
                bad("neither tags nor ARNs", d -> target(d, "Spot").remove("resourceTags"), null,
                        "$.targets.Spot: needs resourceArns or resourceTags to identify resources"),
                bad("empty tags", d -> target(d, "Spot").putObject("resourceTags"), null,
                        "$.targets.Spot.resourceTags: must name at least one tag"),
                bad("tag value not a string", d -> target(d, "Spot").putObject("resourceTags").put("Name", 1), null,
                        "$.targets.Spot.resourceTags.Name: must be a string"),
                bad("bad ARN", d -> ((ArrayNode) target(d, "Any").get("resourceArns")).add("i-0abc"), null,
                        "$.targets.Any.resourceArns[1]: not an EC2 instance ARN like arn:aws:ec2:us-east-1:123456789012:instance/i-0abc: 'i-0abc'"),
                bad("too many ARNs", d -> {
                    ArrayNode arns = (ArrayNode) target(d, "Any").get("resourceArns");
                    for (int i = 0; i < 5; i++) {
                        arns.add("arn:aws:ec2:us-east-1:123456789012:instance/i-" + i);
                    }
                }, null, "$.targets.Any.resourceArns: at most 5 ARNs, got 6"),
                bad("filter without values", d -> ((ObjectNode) target(d, "Spot").get("filters").get(0)).remove("values"), null,
                        "$.targets.Spot.filters[0].values: required"),
                bad("filter with empty values and bad path", d -> {
                    ObjectNode filter = (ObjectNode) target(d, "Spot").get("filters").get(0);
                    filter.put("path", "State..Name");
                    filter.putArray("values");
                }, null,
                        "$.targets.Spot.filters[0].path: must be an attribute path like State.Name, got 'State..Name'",
                        "$.targets.Spot.filters[0].values: must be a non-empty array of strings"),
                bad("filters not an array", d -> target(d, "Spot").put("filters", "State.Name=running"), null,
                        "$.targets.Spot.filters: must be an array of {path, values}"),
                bad("unknown target field", d -> target(d, "Spot").put("resourceTag", "x"), null,
                        "$.targets.Spot.resourceTag: unknown field (expected one of: filters, parameters, resourceArns, resourceTags, resourceType, selectionMode)"),
                bad("no actions", d -> d.putObject("actions"), null, "$.actions: must define at least one action"),
                bad("unknown action", d -> action(d, "interrupt").put("actionId", "aws:ec2:hibernate"), null,
                        "$.actions.interrupt.actionId: unknown action 'aws:ec2:hibernate' (known: aws:ec2:send-spot-instance-interruptions, aws:ec2:stop-instances, aws:ec2:terminate-instances, aws:ec2:reboot-instances, aws:fis:wait)"),
                bad("missing notice duration", d -> action(d, "interrupt").remove("parameters"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: required by aws:ec2:send-spot-instance-interruptions"),
                bad("notice too short", d -> parameters(d, "interrupt").put("durationBeforeInterruption", "PT1M"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: must be between PT2M and PT15M, got PT1M"),
                bad("notice too long", d -> parameters(d, "interrupt").put("durationBeforeInterruption", "PT15M1S"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: must be between PT2M and PT15M, got PT15M1S"),
                bad("notice not ISO-8601", d -> parameters(d, "interrupt").put("durationBeforeInterruption", "2m"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: not an ISO-8601 duration like PT2M: '2m'"),
                bad("notice lower case", d -> parameters(d, "interrupt").put("durationBeforeInterruption", "pt2m"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: not an ISO-8601 duration like PT2M: 'pt2m'"),
                bad("notice fractional", d -> parameters(d, "interrupt").put("durationBeforeInterruption", "PT2.5M"), null,
                        "$.actions.interrupt.parameters.durationBeforeInterruption: not an ISO-8601 duration like PT2M: 'PT2.5M'"),
                bad("unknown parameter", d -> parameters(d, "interrupt").put("duration", "PT2M"), null,
                        "$.actions.interrupt.parameters.duration: aws:ec2:send-spot-instance-interruptions takes no parameter 'duration' (it takes: durationBeforeInterruption)"),
                bad("wait without duration", d -> action(d, "pause").remove("parameters"), null,
                        "$.actions.pause.parameters.duration: required by aws:fis:wait"),
                bad("wait too long", d -> parameters(d, "pause").put("duration", "PT12H1M"), null,
                        "$.actions.pause.parameters.duration: must be between PT1M and PT12H, got PT12H1M"),
                bad("wait with targets", d -> action(d, "pause").putObject("targets").put("Instances", "Any"), null,
                        "$.actions.pause.targets: aws:fis:wait takes no targets"),
                bad("restart flag not boolean", d -> parameters(d, "stop").put("completeIfInstancesTerminated", "yes"), null,
                        "$.actions.stop.parameters.completeIfInstancesTerminated: must be true or false, got 'yes'"),
                bad("action without targets", d -> action(d, "interrupt").remove("targets"), null,
                        "$.actions.interrupt.targets: required: {\"SpotInstances\": \"<target name>\"}"),
                bad("wrong target key", d -> action(d, "interrupt").putObject("targets").put("Instances", "Spot"), null,
                        "$.actions.interrupt.targets: aws:ec2:send-spot-instance-interruptions needs the target key SpotInstances",
                        "$.actions.interrupt.targets.Instances: aws:ec2:send-spot-instance-interruptions takes only the target key SpotInstances"),
                bad("missing target", d -> action(d, "interrupt").putObject("targets").put("SpotInstances", "Gone"), null,
                        "$.actions.interrupt.targets.SpotInstances: no target named 'Gone' in $.targets"),
                bad("target of the wrong resource type", d -> action(d, "interrupt").putObject("targets").put("SpotInstances", "Any"), null,
                        "$.actions.interrupt.targets.SpotInstances: target 'Any' has resource type aws:ec2:instance but aws:ec2:send-spot-instance-interruptions needs aws:ec2:spot-instance"),
                bad("stop on a spot-instance target", d -> action(d, "stop").putObject("targets").put("Instances", "Spot"), null,
                        "$.actions.stop.targets.Instances: target 'Spot' has resource type aws:ec2:spot-instance but aws:ec2:stop-instances needs aws:ec2:instance"),
                bad("startAfter unknown", d -> action(d, "stop").putArray("startAfter").add("later"), null,
                        "$.actions.stop.startAfter[0]: no action named 'later' in $.actions"),
                bad("startAfter itself", d -> action(d, "stop").putArray("startAfter").add("stop"), null,
                        "$.actions.stop.startAfter[0]: an action cannot start after itself"),
                bad("startAfter cycle", d -> action(d, "interrupt").putArray("startAfter").add("stop"), null,
                        "$.actions.interrupt.startAfter: cycle: interrupt -> stop -> pause -> interrupt"),
                bad("stop conditions empty", d -> d.putArray("stopConditions"), null,
                        "$.stopConditions: must be a non-empty array (use [{\"source\": \"none\"}] for none)"),
                bad("stop condition unknown source", d -> stopCondition(d).put("source", "aws:sns"), null,
                        "$.stopConditions[0].source: must be none or aws:cloudwatch:alarm, got 'aws:sns'"),
                bad("none with a value", d -> stopCondition(d).put("value", "x"), null,
                        "$.stopConditions[0].value: must be absent when source is none"),
                bad("alarm without value", d -> stopCondition(d).put("source", "aws:cloudwatch:alarm"), null,
                        "$.stopConditions[0].value: required: the ARN of the CloudWatch alarm"),
                bad("alarm with a bad ARN", d -> stopCondition(d).put("source", "aws:cloudwatch:alarm").put("value", "my-alarm"), null,
                        "$.stopConditions[0].value: not a CloudWatch alarm ARN like arn:aws:cloudwatch:us-east-1:123456789012:alarm:NAME: 'my-alarm'"),
                bad("many problems at once", d -> {
                    d.remove("description");
                    target(d, "Spot").put("selectionMode", "PERCENT(200)");
                    parameters(d, "interrupt").put("durationBeforeInterruption", "PT20M");
                    stopCondition(d).put("source", "alarm");
                }, null,
                        "$.description: required",
                        "$.targets.Spot.selectionMode: PERCENT(n) needs n between 1 and 100, got 200",
                        "$.actions.interrupt.parameters.durationBeforeInterruption: must be between PT2M and PT15M, got PT20M",
                        "$.stopConditions[0].source: must be none or aws:cloudwatch:alarm, got 'alarm'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTemplates")
    void badTemplateProblems(String name, String document, List<String> expected)
    {
        List<String> lines = TemplateValidator.validate(json(document), OPTIONAL).stream().map(Problem::line).toList();
        if (expected.isEmpty()) {
            assertThat(lines).isNotEmpty();
        }
        else {
            assertThat(lines).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aTemplateWithoutTargetsIsValidWhenNoActionNeedsOne()
            throws Exception
    {
        String json = """
                {"description": "pause only", "actions": {"Pause": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
                 "stopConditions": [{"source": "none"}], "roleArn": "arn:aws:iam::123456789012:role/FisSpotRole"}
                """;
        assertThat(TemplateValidator.validate(json(json), REQUIRED)).isEmpty();
        ExperimentTemplate template = TemplateReader.parse(json, REQUIRED);
        assertThat(template.targets()).isEmpty();
        assertThat(template.json().has("targets")).isFalse();
    }

    @Test
    void clientTokenIsKeptAsWritten()
            throws Exception
    {
        ObjectNode document = (ObjectNode) json(BASE);
        assertThat(TemplateReader.parse(document.toString(), OPTIONAL).clientToken()).isEmpty();
        document.put("clientToken", "trino-spot-blog-1");
        assertThat(TemplateValidator.validate(document, OPTIONAL)).isEmpty();
        assertThat(TemplateReader.parse(document.toString(), OPTIONAL).clientToken()).contains("trino-spot-blog-1");
        document.put("clientToken", "x".repeat(1024));
        assertThat(TemplateValidator.validate(document, OPTIONAL)).isEmpty();
    }

    @Test
    void alarmStopConditionIsAccepted()
    {
        ObjectNode document = (ObjectNode) json(BASE);
        stopCondition(document).put("source", "aws:cloudwatch:alarm").put("value", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:QueryErrors");
        assertThat(TemplateValidator.validate(document, OPTIONAL)).isEmpty();
    }

    @Test
    void awsRunNeedsRoleArn()
    {
        assertThat(TemplateValidator.validate(json(BASE), REQUIRED)).containsExactly(
                new Problem("$.roleArn", "required to run on AWS (the IAM role FIS assumes)"));
        ObjectNode document = (ObjectNode) json(BASE);
        document.put("roleArn", "arn:aws:iam::123456789012:role/FisSpotRole");
        assertThat(TemplateValidator.validate(document, REQUIRED)).isEmpty();
    }

    @Test
    void syntaxErrorsAreOneProblemWithALocation()
    {
        assertThatThrownBy(() -> TemplateReader.parse("{\"description\": \"x\",}", OPTIONAL))
                .isInstanceOfSatisfying(InvalidTemplateException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(problem -> assertThat(problem.line()).startsWith("$: not valid JSON at line 1 column 21: ")));
        assertThatThrownBy(() -> TemplateReader.parse("{\"description\": \"x\", \"description\": \"y\"}", OPTIONAL))
                .isInstanceOfSatisfying(InvalidTemplateException.class, e -> assertThat(e.problems().getFirst().line())
                        .contains("Duplicate field 'description'"));
        assertThatThrownBy(() -> TemplateReader.parse("   ", OPTIONAL))
                .isInstanceOfSatisfying(InvalidTemplateException.class, e -> assertThat(e.problems())
                        .containsExactly(new Problem("$", "empty document")));
    }

    @Test
    void namesNeedingQuotesUseBrackets()
    {
        ObjectNode document = (ObjectNode) json(BASE);
        ((ObjectNode) document.get("targets")).set("my target", target(document, "Spot").deepCopy().put("selectionMode", "x"));
        assertThat(TemplateValidator.validate(document, OPTIONAL)).extracting(Problem::line).containsExactly(
                "$.targets['my target'].selectionMode: must be ALL, COUNT(n) or PERCENT(n), got 'x'");
    }

    @Test
    void problemLinesNeverSpanLines()
    {
        assertThat(new Problem("$.a", "x\ny").line()).isEqualTo("$.a: x?y");
    }

    // ---- helpers ----

    private static Arguments bad(String name, Consumer<ObjectNode> change, String document, String... expected)
    {
        String text = document;
        if (text == null) {
            ObjectNode base = (ObjectNode) json(BASE);
            change.accept(base);
            text = base.toString();
        }
        return Arguments.of(name, text, List.of(expected));
    }

    private static Arguments bad(String name, Consumer<ObjectNode> change)
    {
        return bad(name, change, null);
    }

    private static JsonNode json(String text)
    {
        try {
            return TemplateReader.MAPPER.readTree(text);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode target(ObjectNode document, String name)
    {
        return (ObjectNode) document.get("targets").get(name);
    }

    private static ObjectNode action(ObjectNode document, String name)
    {
        return (ObjectNode) document.get("actions").get(name);
    }

    private static ObjectNode parameters(ObjectNode document, String name)
    {
        return (ObjectNode) action(document, name).get("parameters");
    }

    private static ObjectNode stopCondition(ObjectNode document)
    {
        return (ObjectNode) document.get("stopConditions").get(0);
    }

    static String resource(String path)
            throws IOException
    {
        try (InputStream in = TemplateValidatorTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
