package com.gitlab.ops.platform.event;

import static com.gitlab.ops.platform.event.ContentMode.BINARY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * A binary-mode event, as the CloudEvents SDKs' Kafka serializers send by default: the attributes
 * are {@code ce_} headers, {@code content-type} is the data's media type, the value is the data.
 */
final class BinaryEventReader {

    private static final String DATA_CONTENT_TYPE = "datacontenttype";

    private final ObjectMapper mapper;

    BinaryEventReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    CloudEvent read(Optional<String> contentType, Map<String, String> attributes, byte[] value) {
        // The binding maps content-type to datacontenttype; a ce_datacontenttype header is tolerated if it agrees.
        String headerType = attributes.get(DATA_CONTENT_TYPE);
        if (contentType.isPresent() && headerType != null && !headerType.equalsIgnoreCase(contentType.get())) {
            throw BINARY.invalid("header 'ce_datacontenttype' is \"" + headerType + "\" but header 'content-type' is \""
                    + contentType.get() + "\"; they must agree");
        }
        String dataType = contentType.orElse(headerType);
        if (dataType != null) {
            attributes.put(DATA_CONTENT_TYPE, dataType);
        }
        JsonValues.Parsed data = value == null || value.length == 0 || !MediaTypes.isJson(dataType)
                ? new JsonValues.Parsed(null, null)
                : JsonValues.read(mapper, value);
        if (data.isObject() && data.node().has("specversion")) {
            throw bothModes((ObjectNode) data.node(), attributes);
        }
        EventAttributes checked = EventAttributes.of(BINARY, attributes);
        if (!MediaTypes.isJson(dataType)) {
            throw BINARY.invalid("header 'content-type' is \"" + dataType
                    + "\", which is not JSON; the value must be the event's data as a JSON object (content-type application/json)");
        }
        if (value == null || value.length == 0) {
            throw BINARY.invalid("the value is empty; it must be the event's data, a JSON object");
        }
        JsonNode node = data.orElseThrow(problem -> BINARY.invalid("the value is not JSON (content-type "
                + (dataType == null ? "absent, so JSON" : dataType) + "): " + problem));
        if (!node.isObject()) {
            throw BINARY.invalid("the value is " + JsonValues.kind(node) + "; the event's data must be a JSON object");
        }
        return checked.withData((ObjectNode) node);
    }

    /** ce_ headers and a whole envelope as the value: one of them is a mistake, and which cannot be told. */
    private static InvalidEventException bothModes(ObjectNode envelope, Map<String, String> headers) {
        for (String name : EventAttributes.REQUIRED) {
            JsonNode inValue = envelope.get(name);
            String header = headers.get(name);
            if (header != null && inValue != null && !header.equals(inValue.asText())) {
                return BINARY.invalid("header 'ce_" + name + "' is \"" + header + "\" but the value, itself a CloudEvents envelope, says '"
                        + name + "' is \"" + inValue.asText() + "\"");
            }
        }
        return new InvalidEventException("both content modes: ce_ headers (binary mode) and a whole CloudEvents envelope as the value"
                + " (structured mode, it has 'specversion'); send either the headers with the data alone as the value,"
                + " or the envelope with content-type application/cloudevents+json");
    }
}
