package io.trinospot.fis.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * Reads the local instances for {@code fis plan --instances FILE}: a JSON array of
 * {@code {"name": "worker-3", "tags": {"Name": "MyTrinoCluster"}, "lifecycle": "spot", "state": "running"}}.
 */
public final class InstancesFile
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private InstancesFile() {}

    public static List<LocalInstance> read(Path file)
            throws IOException, PlanException
    {
        return parse(Files.readString(file));
    }

    public static List<LocalInstance> parse(String json)
            throws PlanException
    {
        JsonNode document;
        try {
            document = MAPPER.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new PlanException("instances: not valid JSON: " + e.getOriginalMessage());
        }
        if (document == null || !document.isArray()) {
            throw new PlanException("instances: must be a JSON array of {name, tags, lifecycle, state}");
        }
        List<LocalInstance> instances = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < document.size(); i++) {
            JsonNode node = document.get(i);
            String where = "instances[" + i + "]";
            String name = text(node, "name", where);
            if (!names.add(name)) {
                throw new PlanException(where + ".name: duplicate instance '" + name + "'");
            }
            Map<String, String> tags = new LinkedHashMap<>();
            JsonNode tagNode = node.get("tags");
            if (tagNode != null) {
                if (!tagNode.isObject()) {
                    throw new PlanException(where + ".tags: must be an object of strings");
                }
                for (var entry : tagNode.properties()) {
                    if (!entry.getValue().isTextual()) {
                        throw new PlanException(where + ".tags." + entry.getKey() + ": must be a string");
                    }
                    tags.put(entry.getKey(), entry.getValue().asText());
                }
            }
            String lifecycle = text(node, "lifecycle", where);
            String state = text(node, "state", where);
            instances.add(new LocalInstance(name, tags,
                    Lifecycle.fromText(lifecycle).orElseThrow(() -> new PlanException(where + ".lifecycle: must be spot or on-demand, got '" + lifecycle + "'")),
                    InstanceState.fromText(state).orElseThrow(() -> new PlanException(where + ".state: must be running, stopped or terminated, got '" + state + "'"))));
        }
        return List.copyOf(instances);
    }

    private static String text(JsonNode node, String field, String where)
            throws PlanException
    {
        JsonNode value = node.isObject() ? node.get(field) : null;
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new PlanException(where + "." + field + ": required string");
        }
        return value.asText();
    }
}
