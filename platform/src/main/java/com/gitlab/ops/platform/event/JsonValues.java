package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.Function;

/** Reading a value as JSON without losing why it is not, for the dead-letter reason. */
final class JsonValues {

    /** A value read as JSON, or the problem with it. */
    record Parsed(JsonNode node, String problem) {

        boolean isObject() {
            return node != null && node.isObject();
        }

        JsonNode orElseThrow(Function<String, InvalidEventException> invalid) {
            if (node == null) {
                throw invalid.apply(problem);
            }
            return node;
        }
    }

    private JsonValues() {
    }

    static Parsed read(ObjectMapper mapper, byte[] value) {
        try {
            JsonNode node = mapper.readTree(value);
            return node == null || node.isMissingNode() ? new Parsed(null, "it is empty") : new Parsed(node, null);
        } catch (JsonProcessingException e) {
            return new Parsed(null, e.getOriginalMessage());
        } catch (IOException e) {
            return new Parsed(null, e.getMessage());
        }
    }

    /** What a JSON value is, in words: "a JSON array", "a string", ... */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a JSON array";
            case OBJECT -> "a JSON object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            default -> "not a JSON object";
        };
    }
}
