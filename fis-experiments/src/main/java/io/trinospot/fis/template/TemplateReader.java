package io.trinospot.fis.template;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

/** Reads a template document: JSON syntax, then {@link TemplateValidator}, then the model. */
public final class TemplateReader
{
    // duplicate keys would let two different targets hide behind one name, so they are a syntax error here
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TemplateReader() {}

    public static ExperimentTemplate read(Path file, TemplateValidator.RoleArn roleArn)
            throws IOException, InvalidTemplateException
    {
        return parse(Files.readString(file), roleArn);
    }

    public static ExperimentTemplate parse(String json, TemplateValidator.RoleArn roleArn)
            throws InvalidTemplateException
    {
        JsonNode document = syntax(json);
        List<Problem> problems = TemplateValidator.validate(document, roleArn);
        if (!problems.isEmpty()) {
            throw new InvalidTemplateException(problems);
        }
        return model((ObjectNode) document);
    }

    private static JsonNode syntax(String json)
            throws InvalidTemplateException
    {
        try {
            JsonNode document = MAPPER.readTree(json);
            if (document == null || document.isMissingNode()) {
                throw new InvalidTemplateException(List.of(new Problem(JsonPaths.ROOT, "empty document")));
            }
            return document;
        }
        catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new InvalidTemplateException(List.of(new Problem(JsonPaths.ROOT, "not valid JSON" + where + ": " + e.getOriginalMessage())));
        }
    }

    /** Builds the model from a document the validator accepted, so every lookup here succeeds. */
    private static ExperimentTemplate model(ObjectNode document)
    {
        SequencedMap<String, Target> targets = new LinkedHashMap<>();
        Optional.ofNullable(document.get("targets")).ifPresent(node -> node.properties().forEach(entry -> targets.put(entry.getKey(), target(entry.getKey(), entry.getValue()))));

        SequencedMap<String, Action> actions = new LinkedHashMap<>();
        document.get("actions").properties().forEach(entry -> actions.put(entry.getKey(), action(entry.getKey(), entry.getValue())));

        List<StopCondition> stopConditions = new ArrayList<>();
        document.get("stopConditions").forEach(condition -> stopConditions.add(
                new StopCondition(condition.get("source").asText(), Optional.ofNullable(condition.get("value")).map(JsonNode::asText))));

        return new ExperimentTemplate(
                document.get("description").asText(),
                targets,
                actions,
                stopConditions,
                Optional.ofNullable(document.get("roleArn")).map(JsonNode::asText),
                strings(document.get("tags")),
                Optional.ofNullable(document.get("clientToken")).map(JsonNode::asText),
                document.deepCopy());
    }

    private static Target target(String name, JsonNode target)
    {
        List<String> arns = new ArrayList<>();
        Optional.ofNullable(target.get("resourceArns")).ifPresent(node -> node.forEach(arn -> arns.add(arn.asText())));
        List<TargetFilter> filters = new ArrayList<>();
        Optional.ofNullable(target.get("filters")).ifPresent(node -> node.forEach(filter -> {
            List<String> values = new ArrayList<>();
            filter.get("values").forEach(value -> values.add(value.asText()));
            filters.add(new TargetFilter(filter.get("path").asText(), values));
        }));
        return new Target(
                name,
                ResourceType.fromId(target.get("resourceType").asText()).orElseThrow(),
                arns,
                strings(target.get("resourceTags")),
                filters,
                SelectionMode.parse(target.get("selectionMode").asText()));
    }

    private static Action action(String name, JsonNode action)
    {
        ActionType type = ActionType.fromId(action.get("actionId").asText()).orElseThrow();
        Optional<String> target = type.targetKey().map(key -> action.get("targets").get(key).asText());
        List<String> startAfter = new ArrayList<>();
        Optional.ofNullable(action.get("startAfter")).ifPresent(node -> node.forEach(predecessor -> startAfter.add(predecessor.asText())));
        return new Action(name, type, strings(action.get("parameters")), target, startAfter);
    }

    private static Map<String, String> strings(JsonNode object)
    {
        Map<String, String> map = new LinkedHashMap<>();
        if (object != null) {
            object.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        }
        return map;
    }
}
