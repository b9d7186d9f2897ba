package com.gitlab.ops.platform.event;

import static com.gitlab.ops.platform.event.ContentMode.STRUCTURED;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads a Kafka record into a {@link CloudEvent} in either content mode of the CloudEvents Kafka
 * protocol binding, or says exactly why it cannot. The mode is told as the binding says: a
 * {@code content-type} starting with {@code application/cloudevents} is structured, otherwise
 * {@code ce_} headers make it binary. A record with neither is structured if its value is a JSON
 * object with {@code specversion}, as the contracts have always accepted.
 */
@ApplicationScoped
public class EventEnvelopeParser {

    private static final String HOW = "; send a CloudEvents JSON envelope (structured mode), or ce_ headers with the data alone as the value"
            + " (binary mode)";

    private final ObjectMapper mapper;
    private final StructuredEventReader structured;
    private final BinaryEventReader binary;

    public EventEnvelopeParser(ObjectMapper mapper) {
        this.mapper = mapper;
        this.structured = new StructuredEventReader(mapper);
        this.binary = new BinaryEventReader(mapper);
    }

    /** A value without headers: structured mode or nothing. */
    public CloudEvent parse(byte[] value) {
        return parse(new RecordHeaders(), value);
    }

    public CloudEvent parse(Headers headers, byte[] value) {
        EventHeaders eventHeaders = new EventHeaders(headers);
        Optional<String> contentType = eventHeaders.contentType();
        if (contentType.filter(MediaTypes::isCloudEvents).isPresent()) {
            if (!MediaTypes.isCloudEventsJson(contentType.get())) {
                throw STRUCTURED.invalid("event format \"" + contentType.get() + "\" is not supported; send "
                        + CloudEvent.CONTENT_TYPE + ", or binary mode (ce_ headers with the data alone as the value)");
            }
            return structured.read(value, eventHeaders.attributes(STRUCTURED));
        }
        if (eventHeaders.hasAttributes()) {
            return binary.read(contentType, eventHeaders.attributes(ContentMode.BINARY), value);
        }
        return withoutModeHeaders(value);
    }

    private CloudEvent withoutModeHeaders(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("neither content mode: the message has no value and no ce_ headers" + HOW);
        }
        JsonValues.Parsed parsed = JsonValues.read(mapper, value);
        if (parsed.node() == null) {
            throw new InvalidEventException("neither content mode: the value is not JSON (" + parsed.problem() + ") and there are no ce_ headers" + HOW);
        }
        if (!parsed.isObject()) {
            throw new InvalidEventException("neither content mode: the value is " + JsonValues.kind(parsed.node())
                    + ", not a CloudEvents envelope, and there are no ce_ headers" + HOW);
        }
        if (!parsed.node().has("specversion")) {
            throw new InvalidEventException("neither content mode: the value has no 'specversion', so it is no CloudEvents envelope,"
                    + " and there are no ce_ headers" + HOW);
        }
        return structured.read((ObjectNode) parsed.node(), Map.of());
    }
}
