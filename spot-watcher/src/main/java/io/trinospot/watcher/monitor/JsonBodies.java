package io.trinospot.watcher.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinospot.watcher.imds.ImdsException;

/**
 * Strict JSON reading for IMDS bodies: anything that is not exactly one JSON value of the expected shape
 * is an error, never a notice.
 */
final class JsonBodies
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {}

    static JsonNode object(String path, String body)
            throws ImdsException
    {
        JsonNode node = parse(path, body);
        if (!node.isObject()) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, path + ": expected a JSON object, got " + node.getNodeType());
        }
        return node;
    }

    static JsonNode array(String path, String body)
            throws ImdsException
    {
        JsonNode node = parse(path, body);
        if (!node.isArray()) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, path + ": expected a JSON array, got " + node.getNodeType());
        }
        return node;
    }

    static String text(String path, JsonNode node, String field)
            throws ImdsException
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, path + ": field '" + field + "' missing or not a string");
        }
        return value.asText();
    }

    private static JsonNode parse(String path, String body)
            throws ImdsException
    {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ImdsException(ImdsException.Kind.MALFORMED, path + ": empty answer");
            }
            return node;
        }
        catch (JsonProcessingException e) {
            throw new ImdsException(ImdsException.Kind.MALFORMED, path + ": not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
