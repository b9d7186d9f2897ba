package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Validated reads of an event's {@code data}. Each failure is an {@link InvalidEventException}
 * whose message names the field and the rule, so a dead letter says what to fix.
 */
public final class EventData {

    private final ObjectNode data;

    public EventData(ObjectNode data) {
        this.data = data;
    }

    /** A positive 64-bit id (contracts: ids are positive 64-bit integers). */
    public long requiredId(String field) {
        return optionalId(field).orElseThrow(() -> missing(field));
    }

    public Optional<Long> optionalId(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidEventException("field '" + field + "' must be an integer, got " + describe(node));
        }
        long value = node.asLong();
        if (value <= 0) {
            throw new InvalidEventException("field '" + field + "' must be a positive integer, got " + value);
        }
        return Optional.of(value);
    }

    public String requiredText(String field, int maxLength) {
        return optionalText(field, maxLength).orElseThrow(() -> missing(field));
    }

    public Optional<String> optionalText(String field, int maxLength) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidEventException("field '" + field + "' must be a string, got " + describe(node));
        }
        String value = node.asText();
        if (value.isBlank()) {
            throw new InvalidEventException("field '" + field + "' must not be empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidEventException("field '" + field + "' must not contain NUL (\\u0000) characters");
        }
        if (value.length() > maxLength) {
            throw new InvalidEventException("field '" + field + "' is " + value.length()
                    + " characters long; at most " + maxLength + " are allowed");
        }
        return Optional.of(value);
    }

    /** One of a fixed set of values, e.g. a status; the reason lists the allowed ones. */
    public String requiredEnum(String field, Set<String> allowed) {
        return optionalEnum(field, allowed).orElseThrow(() -> missing(field));
    }

    public Optional<String> optionalEnum(String field, Set<String> allowed) {
        Optional<String> value = optionalText(field, 64);
        value.ifPresent(v -> {
            if (!allowed.contains(v)) {
                throw new InvalidEventException("field '" + field + "' must be one of " + String.join(", ", allowed.stream().sorted().toList())
                        + "; got \"" + v + "\"");
            }
        });
        return value;
    }

    public OffsetDateTime requiredTime(String field) {
        return optionalTime(field).orElseThrow(() -> missing(field));
    }

    public Optional<OffsetDateTime> optionalTime(String field) {
        return optionalText(field, 64).map(value -> {
            try {
                return OffsetDateTime.parse(value);
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("field '" + field + "' must be an RFC 3339 timestamp, got \"" + value + "\"");
            }
        });
    }

    public boolean optionalBoolean(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidEventException("field '" + field + "' must be true or false, got " + describe(node));
        }
        return node.asBoolean();
    }

    /** The raw node, for structured fields a service reads itself; absent or null gives empty. */
    public Optional<JsonNode> optionalNode(String field) {
        return Optional.ofNullable(present(field));
    }

    private JsonNode present(String field) {
        JsonNode node = data.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static InvalidEventException missing(String field) {
        return new InvalidEventException("field '" + field + "' is required in data");
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
