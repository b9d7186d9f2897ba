package com.gitlab.ops.platform.event;

import static com.gitlab.ops.platform.event.ContentMode.STRUCTURED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A structured-mode event: the value is the whole event in the JSON event format. {@code ce_}
 * headers may come with it (the binding allows them) but must say what the value says.
 */
final class StructuredEventReader {

    private final ObjectMapper mapper;

    StructuredEventReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    CloudEvent read(byte[] value, Map<String, String> headerAttributes) {
        if (value == null || value.length == 0) {
            throw STRUCTURED.invalid("the message has no value; expected a CloudEvents JSON envelope");
        }
        JsonNode root = JsonValues.read(mapper, value)
                .orElseThrow(problem -> STRUCTURED.invalid("the value is not JSON: " + problem));
        if (!root.isObject()) {
            throw STRUCTURED.invalid("the value is " + JsonValues.kind(root) + ", not a JSON object; expected a CloudEvents envelope");
        }
        return read((ObjectNode) root, headerAttributes);
    }

    CloudEvent read(ObjectNode root, Map<String, String> headerAttributes) {
        Map<String, String> attributes = new LinkedHashMap<>();
        root.fields().forEachRemaining(member -> {
            String name = member.getKey();
            JsonNode node = member.getValue();
            if (name.equals("data") || name.equals("data_base64") || node.isNull()) {
                return;
            }
            if (EventAttributes.REQUIRED.contains(name) && !node.isTextual()) {
                throw STRUCTURED.invalid(STRUCTURED.field(name) + " must be a non-empty string");
            }
            attributes.put(name, node.isValueNode() ? node.asText() : node.toString());
        });
        headerAttributes.forEach((name, headerValue) -> {
            String inValue = attributes.get(name);
            if (inValue != null && !inValue.equals(headerValue)) {
                throw STRUCTURED.invalid("header '" + EventHeaders.ATTRIBUTE_PREFIX + name + "' is \"" + headerValue
                        + "\" but the envelope's '" + name + "' is \"" + inValue + "\"; headers sent with a structured event must agree with it");
            }
            // A header-only extension (say, tracing added by a proxy) is kept; required ones must be in the envelope.
            if (inValue == null && !EventAttributes.REQUIRED.contains(name)) {
                attributes.put(name, headerValue);
            }
        });
        EventAttributes checked = EventAttributes.of(STRUCTURED, attributes);
        return checked.withData(data(root, attributes.get("datacontenttype")));
    }

    private ObjectNode data(ObjectNode root, String dataContentType) {
        if (!MediaTypes.isJson(dataContentType)) {
            throw STRUCTURED.invalid("envelope field 'datacontenttype' is \"" + dataContentType
                    + "\", which is not JSON; the data must be a JSON object (application/json)");
        }
        JsonNode data = root.get("data");
        JsonNode base64 = root.get("data_base64");
        if (data != null && !data.isNull() && base64 != null && !base64.isNull()) {
            throw STRUCTURED.invalid("the envelope has both 'data' and 'data_base64'; send one of them");
        }
        if (base64 != null && !base64.isNull()) {
            data = decode(base64);
        }
        if (data == null || !data.isObject()) {
            throw STRUCTURED.invalid("envelope field 'data' is required and must be a JSON object");
        }
        return (ObjectNode) data;
    }

    private JsonNode decode(JsonNode base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.asText());
        } catch (IllegalArgumentException e) {
            throw STRUCTURED.invalid("envelope field 'data_base64' is not base64: " + e.getMessage());
        }
        JsonNode data = JsonValues.read(mapper, bytes)
                .orElseThrow(problem -> STRUCTURED.invalid("envelope field 'data_base64' does not hold JSON: " + problem));
        if (!data.isObject()) {
            throw STRUCTURED.invalid("envelope field 'data_base64' holds " + JsonValues.kind(data) + "; the data must be a JSON object");
        }
        return data;
    }
}
