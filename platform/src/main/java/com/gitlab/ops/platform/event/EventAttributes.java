package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The attributes of an event, checked the same way in both modes; reasons name the field as the mode spells it. */
record EventAttributes(String id, String source, String type, OffsetDateTime time, Map<String, String> others) {

    /** Required by the contracts: CloudEvents' four, and {@code time}, which every event here is ordered by. */
    static final List<String> REQUIRED = List.of("specversion", "id", "source", "type", "time");
    private static final int MAX_LENGTH = 256;

    static EventAttributes of(ContentMode mode, Map<String, String> attributes) {
        String specversion = required(mode, attributes, "specversion");
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw mode.invalid(mode.field("specversion") + " must be \"1.0\", got \"" + specversion + "\"");
        }
        String id = required(mode, attributes, "id");
        String source = required(mode, attributes, "source");
        String type = required(mode, attributes, "type");
        String time = required(mode, attributes, "time");
        OffsetDateTime parsedTime;
        try {
            parsedTime = OffsetDateTime.parse(time);
        } catch (DateTimeParseException e) {
            throw mode.invalid(mode.field("time") + " must be an RFC 3339 timestamp, got \"" + time + "\"");
        }
        Map<String, String> others = new LinkedHashMap<>(attributes);
        REQUIRED.forEach(others::remove);
        return new EventAttributes(id, source, type, parsedTime, others);
    }

    CloudEvent withData(ObjectNode data) {
        return new CloudEvent(id, source, type, time, data, others);
    }

    private static String required(ContentMode mode, Map<String, String> attributes, String name) {
        String value = attributes.get(name);
        if (value == null) {
            throw mode.invalid(mode.field(name) + " is required");
        }
        if (value.isBlank()) {
            throw mode.invalid(mode.field(name) + " must be a non-empty string");
        }
        // PostgreSQL cannot store NUL, and ids are keys: said at once, not found by retrying a write.
        if (value.length() > MAX_LENGTH || value.indexOf('\0') >= 0) {
            throw mode.invalid(mode.field(name) + " must be at most " + MAX_LENGTH + " characters, without NUL characters");
        }
        return value;
    }
}
