package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads a message value into a {@link CloudEvent}, or says exactly why it cannot. */
@ApplicationScoped
public class EventEnvelopeParser {

    private final ObjectMapper mapper;

    public EventEnvelopeParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public CloudEvent parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("message has no value; expected a CloudEvents JSON object");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("value is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidEventException("value could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("value is not a JSON object; expected a CloudEvents envelope");
        }
        String specversion = text(root, "specversion");
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new InvalidEventException("specversion must be \"1.0\", got \"" + specversion + "\"");
        }
        String id = text(root, "id");
        String source = text(root, "source");
        String type = text(root, "type");
        OffsetDateTime time = time(text(root, "time"));
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new InvalidEventException("field 'data' is required and must be a JSON object");
        }
        return new CloudEvent(id, source, type, time, (ObjectNode) data);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException("envelope field '" + field + "' is required");
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidEventException("envelope field '" + field + "' must be a non-empty string");
        }
        if (node.asText().length() > 256 || node.asText().indexOf('\0') >= 0) {
            throw new InvalidEventException("envelope field '" + field + "' must be at most 256 characters, without NUL characters");
        }
        return node.asText();
    }

    private static OffsetDateTime time(String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("envelope field 'time' must be an RFC 3339 timestamp, got \"" + value + "\"");
        }
    }
}
