package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What the CloudEvents Kafka protocol binding calls invalid, made from one good event: binary-mode
 * records with a required header missing, empty or not UTF-8, data that is not JSON or not declared
 * JSON, both modes at once, headers that disagree with the value, an event format the services do
 * not read. Each comes with the start of the dead-letter reason it must get, which names the mode
 * and the field.
 */
public final class BindingMalformations {

    /** One malformed record, and how its dead-letter reason must start. */
    public record Malformed(String what, List<Header> headers, byte[] value, String reasonStart) {
    }

    private static final List<String> REQUIRED = List.of("specversion", "id", "source", "type", "time");

    private BindingMalformations() {
    }

    /** The good event (a structured envelope) in binary mode: its attributes as ce_ headers, with a new id. */
    public static List<Header> binaryHeaders(ObjectNode envelope, String id) {
        List<Header> headers = new ArrayList<>();
        for (String attribute : REQUIRED) {
            String value = attribute.equals("id") ? id : envelope.get(attribute).asText();
            headers.add(header("ce_" + attribute, value));
        }
        headers.add(header("content-type", "application/json"));
        return headers;
    }

    public static byte[] data(ObjectNode envelope) {
        return envelope.get("data").toString().getBytes(StandardCharsets.UTF_8);
    }

    public static List<Malformed> of(ObjectNode good) {
        List<Malformed> out = new ArrayList<>();
        byte[] data = data(good);
        for (String attribute : REQUIRED) {
            out.add(binary("ce_" + attribute + " missing", good, data, h -> h.removeIf(x -> x.key().equals("ce_" + attribute)),
                    "binary mode: header 'ce_" + attribute + "' is required"));
            out.add(binary("ce_" + attribute + " empty", good, data, h -> replace(h, "ce_" + attribute, ""),
                    "binary mode: header 'ce_" + attribute + "' must be a non-empty string"));
        }
        out.add(binary("ce_specversion 0.3", good, data, h -> replace(h, "ce_specversion", "0.3"),
                "binary mode: header 'ce_specversion' must be \"1.0\", got \"0.3\""));
        out.add(binary("ce_time not a time", good, data, h -> replace(h, "ce_time", "yesterday"),
                "binary mode: header 'ce_time' must be an RFC 3339 timestamp"));
        out.add(binary("ce_source not UTF-8", good, data, h -> {
            h.removeIf(x -> x.key().equals("ce_source"));
            h.add(new RecordHeader("ce_source", new byte[] {(byte) 0xff, (byte) 0xfe}));
        }, "binary mode: header 'ce_source' is not UTF-8 text"));
        out.add(binary("ce_id twice, disagreeing", good, data, h -> h.add(header("ce_id", UUID.randomUUID().toString())),
                "binary mode: header 'ce_id' is given twice"));
        out.add(binary("data declared text/plain", good, data, h -> replace(h, "content-type", "text/plain"),
                "binary mode: header 'content-type' is \"text/plain\", which is not JSON"));
        out.add(binary("data not JSON", good, "not json".getBytes(StandardCharsets.UTF_8), h -> { },
                "binary mode: the value is not JSON (content-type application/json)"));
        out.add(binary("data a JSON array", good, "[1,2]".getBytes(StandardCharsets.UTF_8), h -> { },
                "binary mode: the value is a JSON array; the event's data must be a JSON object"));
        out.add(binary("no data", good, (byte[]) null, h -> { }, "binary mode: the value is empty"));
        out.add(binary("both modes: ce_ headers and an envelope as the value", good, id -> envelope(good, id), h -> { },
                "both content modes"));
        out.add(binary("ce_type disagrees with the envelope in the value", good, id -> envelope(good, id),
                h -> replace(h, "ce_type", "something.else"),
                "binary mode: header 'ce_type' is \"something.else\" but the value, itself a CloudEvents envelope"));
        out.add(structured("structured, ce_id header disagrees", good, List.of(header("content-type", "application/cloudevents+json"),
                header("ce_id", "not-" + UUID.randomUUID())), "structured mode: header 'ce_id' is \"not-"));
        out.add(structured("structured, format avro", good, List.of(header("content-type", "application/cloudevents+avro")),
                "structured mode: event format \"application/cloudevents+avro\" is not supported"));
        out.add(new Malformed("data alone, no headers", List.of(), data,
                "neither content mode: the value has no 'specversion'"));
        return out;
    }

    private static Malformed binary(String what, ObjectNode good, byte[] value, Consumer<List<Header>> change, String reasonStart) {
        return binary(what, good, id -> value, change, reasonStart);
    }

    /** @param value the record's value for the event's new id */
    private static Malformed binary(String what, ObjectNode good, Function<String, byte[]> value, Consumer<List<Header>> change,
            String reasonStart) {
        String id = UUID.randomUUID().toString();
        List<Header> headers = binaryHeaders(good, id);
        change.accept(headers);
        return new Malformed(what, headers, value.apply(id), reasonStart);
    }

    private static byte[] envelope(ObjectNode good, String id) {
        return good.deepCopy().put("id", id).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Malformed structured(String what, ObjectNode good, List<Header> headers, String reasonStart) {
        return new Malformed(what, headers, envelope(good, UUID.randomUUID().toString()), reasonStart);
    }

    private static void replace(List<Header> headers, String key, String value) {
        headers.removeIf(h -> h.key().equals(key));
        headers.add(header(key, value));
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
