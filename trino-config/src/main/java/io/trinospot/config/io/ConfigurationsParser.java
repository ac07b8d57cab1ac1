package io.trinospot.config.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON list that {@code aws emr create-cluster --configurations} accepts. Strict like EMR: property
 * values must be strings, every problem in the structure is reported (not just the first).
 */
public final class ConfigurationsParser
{
    static final String CLASSIFICATION = "Classification";
    static final String PROPERTIES = "Properties";
    static final String CONFIGURATIONS = "Configurations";
    private static final Set<String> FIELDS = Set.of(CLASSIFICATION, PROPERTIES, CONFIGURATIONS);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigurationsParser() {}

    public static Configurations parse(Path file)
            throws IOException, InvalidConfigurationException
    {
        return parse(Files.readAllBytes(file));
    }

    public static Configurations parse(String json)
            throws InvalidConfigurationException
    {
        return parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Configurations parse(byte[] json)
            throws InvalidConfigurationException
    {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw invalid("not valid JSON" + location(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
        }
        catch (IOException e) {
            // e.g. bytes that are not UTF-8
            throw invalid("not readable as JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw invalid("empty input; expected a JSON list of classifications");
        }
        if (!root.isArray()) {
            throw invalid("expected a JSON list of classifications, got " + describe(root));
        }
        List<Problem> problems = new ArrayList<>();
        List<Classification> classifications = parseList(root, "", problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new Configurations(classifications);
    }

    private static List<Classification> parseList(JsonNode list, String path, List<Problem> problems)
    {
        List<Classification> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode element = list.get(i);
            if (!element.isObject()) {
                problems.add(Problem.error(Problem.INPUT, at, "expected an object with Classification and Properties, got " + describe(element)));
                continue;
            }
            JsonNode name = element.get(CLASSIFICATION);
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                problems.add(Problem.error(Problem.INPUT, at, "Classification must be a non-empty string, got " + describe(name)));
                continue;
            }
            String classification = name.asText();
            element.fieldNames().forEachRemaining(field -> {
                if (!FIELDS.contains(field)) {
                    problems.add(Problem.error(classification, null, "unknown field '" + field + "'; expected Classification, Properties and Configurations"));
                }
            });
            if (!seen.add(classification)) {
                problems.add(Problem.error(classification, null, "appears more than once; EMR accepts each classification once per list"));
            }
            Map<String, String> properties = parseProperties(classification, element.get(PROPERTIES), problems);
            List<Classification> nested = List.of();
            JsonNode configurations = element.get(CONFIGURATIONS);
            if (configurations != null) {
                if (configurations.isArray()) {
                    nested = parseList(configurations, at + "." + classification, problems);
                }
                else {
                    problems.add(Problem.error(classification, null, "Configurations must be a list, got " + describe(configurations)));
                }
            }
            result.add(new Classification(classification, properties, nested));
        }
        return result;
    }

    private static Map<String, String> parseProperties(String classification, JsonNode properties, List<Problem> problems)
    {
        Map<String, String> result = new LinkedHashMap<>();
        if (properties == null) {
            return result;
        }
        if (!properties.isObject()) {
            problems.add(Problem.error(classification, null, "Properties must be an object of string values, got " + describe(properties)));
            return result;
        }
        properties.properties().forEach(entry -> {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.isBlank()) {
                problems.add(Problem.error(classification, null, "a property key is empty"));
            }
            else if (!value.isTextual()) {
                // EMR rejects non-string values, so accepting them would make emr output unusable
                problems.add(Problem.error(classification, key, "value must be a JSON string (EMR accepts only strings), got " + describe(value)));
            }
            else {
                result.put(key, value.asText());
            }
        });
        return result;
    }

    private static InvalidConfigurationException invalid(String message)
    {
        return new InvalidConfigurationException(List.of(Problem.error(Problem.INPUT, null, message)));
    }

    private static String location(JsonLocation location)
    {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(String message)
    {
        if (message == null) {
            return "unknown reason";
        }
        String line = message.strip().lines().findFirst().orElse("unknown reason");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    static String describe(JsonNode node)
    {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
