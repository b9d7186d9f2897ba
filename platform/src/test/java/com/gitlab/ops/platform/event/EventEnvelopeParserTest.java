package com.gitlab.ops.platform.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventEnvelopeParserTest {

    private final EventEnvelopeParser parser = new EventEnvelopeParser(new ObjectMapper());

    private CloudEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private String reason(String json) {
        return assertThrows(InvalidEventException.class, () -> parse(json)).getMessage();
    }

    private String structuredReason(String value) {
        return assertThrows(InvalidEventException.class, () -> parser.parse(headers("content-type", CloudEvent.CONTENT_TYPE), bytes(value))).getMessage();
    }

    private String binaryReason(Headers headers, String value) {
        return assertThrows(InvalidEventException.class, () -> parser.parse(headers, bytes(value))).getMessage();
    }

    private static Headers headers(String key, String value) {
        return new RecordHeaders().add(key, bytes(value));
    }

    /** The required attributes as ce_ headers, as the SDK's serializer writes them in binary mode. */
    private static Headers binaryHeaders(String id) {
        return new RecordHeaders().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(id)).add("ce_source", bytes("/x"))
                .add("ce_type", bytes("alert.updated")).add("ce_time", bytes("2026-11-21T10:00:00Z"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String envelope(String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"t\",\"time\":\"2026-11-21T10:00:00Z\",\"data\":" + data + "}";
    }

    @Test
    void readsAStructuredEnvelopeWithOrWithoutItsContentTypeAndKeepsExtensionAttributes() {
        String value = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"alert.updated\","
                + "\"time\":\"2026-11-21T10:00:00+01:00\",\"datacontenttype\":\"application/json\",\"traceparent\":\"00-abc-def-01\","
                + "\"data\":{\"a\":1}}";
        for (CloudEvent event : List.of(parse(value), parser.parse(headers("content-type", "application/cloudevents+json; charset=UTF-8"), bytes(value)))) {
            assertEquals("e-1", event.id());
            assertEquals("alert.updated", event.type());
            assertEquals(OffsetDateTime.parse("2026-11-21T09:00:00Z").toInstant(), event.time().toInstant());
            assertEquals(1, event.data().get("a").asInt());
            assertEquals(Optional.of("00-abc-def-01"), event.attribute("traceparent"));
        }
    }

    @Test
    void readsABinaryModeEventAsTheSdksSendIt() {
        Headers headers = binaryHeaders("e-2");
        headers.add("ce_traceparent", bytes("00-abc-def-01"));
        headers.add("content-type", bytes("application/json"));
        CloudEvent event = parser.parse(headers, bytes("{\"a\":2}"));
        assertEquals("e-2", event.id());
        assertEquals("/x", event.source());
        assertEquals("alert.updated", event.type());
        assertEquals(OffsetDateTime.parse("2026-11-21T10:00:00Z"), event.time());
        assertEquals(2, event.data().get("a").asInt());
        assertEquals(Optional.of("00-abc-def-01"), event.attribute("traceparent"));
        assertEquals(Optional.of("application/json"), event.attribute("datacontenttype"));
        // content-type absent means JSON, as the SDK sends data without a datacontenttype.
        assertEquals("e-3", parser.parse(binaryHeaders("e-3"), bytes("{}")).id());
    }

    @Test
    void readsStructuredDataGivenAsBase64() {
        String data = java.util.Base64.getEncoder().encodeToString(bytes("{\"a\":3}"));
        assertEquals(3, parse(envelope("{}").replace("\"data\":{}", "\"data_base64\":\"" + data + "\"")).data().get("a").asInt());
    }

    @Test
    void saysWhyAStructuredEnvelopeCannotBeRead() {
        assertTrue(reason("{oops").startsWith("neither content mode: the value is not JSON"), reason("{oops"));
        assertTrue(reason("[1,2]").startsWith("neither content mode: the value is a JSON array, not a CloudEvents envelope"));
        assertTrue(reason("{\"id\":\"x\"}").startsWith("neither content mode: the value has no 'specversion'"));
        assertTrue(assertThrows(InvalidEventException.class, () -> parser.parse(new byte[0])).getMessage()
                .startsWith("neither content mode: the message has no value and no ce_ headers"));
        assertTrue(structuredReason("{oops").startsWith("structured mode: the value is not JSON"), structuredReason("{oops"));
        assertEquals("structured mode: envelope field 'specversion' is required", structuredReason(envelope("{}").replace("\"specversion\":\"1.0\",", "")));
        assertEquals("structured mode: envelope field 'specversion' must be \"1.0\", got \"0.3\"", reason(envelope("{}").replace("\"1.0\"", "\"0.3\"")));
        assertEquals("structured mode: envelope field 'id' is required", reason(envelope("{}").replace("\"id\":\"e-1\",", "")));
        assertEquals("structured mode: envelope field 'type' must be a non-empty string", reason(envelope("{}").replace("\"type\":\"t\"", "\"type\":7")));
        assertEquals("structured mode: envelope field 'time' must be an RFC 3339 timestamp, got \"yesterday\"",
                reason(envelope("{}").replace("2026-11-21T10:00:00Z", "yesterday")));
        assertEquals("structured mode: envelope field 'data' is required and must be a JSON object", reason(envelope("\"text\"")));
        assertEquals("structured mode: the envelope has both 'data' and 'data_base64'; send one of them",
                reason(envelope("{}").replace("\"data\":{}", "\"data\":{},\"data_base64\":\"e30=\"")));
        assertTrue(reason(envelope("{}").replace("\"data\":{}", "\"datacontenttype\":\"application/xml\",\"data\":{}"))
                .startsWith("structured mode: envelope field 'datacontenttype' is \"application/xml\", which is not JSON"));
        assertTrue(assertThrows(InvalidEventException.class, () -> parser.parse(headers("content-type", "application/cloudevents+avro"), bytes(envelope("{}"))))
                .getMessage().startsWith("structured mode: event format \"application/cloudevents+avro\" is not supported"));
        // PostgreSQL cannot store NUL: said at once, not found by retrying a write ten times.
        assertEquals("structured mode: envelope field 'id' must be at most 256 characters, without NUL characters",
                reason(envelope("{}").replace("\"id\":\"e-1\"", "\"id\":\"e\\u0000\"")));
        assertEquals("field 'title' must not contain NUL (\\u0000) characters",
                assertThrows(InvalidEventException.class, () -> parse(envelope("{\"title\":\"a\\u0000b\"}")).fields().requiredText("title", 255)).getMessage());
    }

    @Test
    void headersSentWithAStructuredEventMustAgreeWithIt() {
        Headers headers = headers("content-type", "application/cloudevents+json");
        headers.add("ce_id", bytes("e-1"));
        headers.add("ce_traceparent", bytes("00-abc-def-01"));
        assertEquals(Optional.of("00-abc-def-01"), parser.parse(headers, bytes(envelope("{}"))).attribute("traceparent"));
        headers.remove("ce_id");
        headers.add("ce_id", bytes("e-other"));
        assertEquals("structured mode: header 'ce_id' is \"e-other\" but the envelope's 'id' is \"e-1\"; headers sent with a structured event must agree with it",
                assertThrows(InvalidEventException.class, () -> parser.parse(headers, bytes(envelope("{}")))).getMessage());
    }

    @Test
    void saysWhyABinaryModeEventCannotBeRead() {
        for (String attribute : List.of("specversion", "id", "source", "type", "time")) {
            Headers headers = binaryHeaders("e-4");
            headers.remove("ce_" + attribute);
            assertEquals("binary mode: header 'ce_" + attribute + "' is required", binaryReason(headers, "{}"));
        }
        Headers oldVersion = binaryHeaders("e-4");
        oldVersion.remove("ce_specversion");
        oldVersion.add("ce_specversion", bytes("0.3"));
        assertEquals("binary mode: header 'ce_specversion' must be \"1.0\", got \"0.3\"", binaryReason(oldVersion, "{}"));
        Headers notUtf8 = binaryHeaders("e-4");
        notUtf8.add("ce_subject", new byte[] {(byte) 0xff, (byte) 0xfe});
        assertEquals("binary mode: header 'ce_subject' is not UTF-8 text", binaryReason(notUtf8, "{}"));
        Headers twice = binaryHeaders("e-4");
        twice.add("ce_id", bytes("e-5"));
        assertEquals("binary mode: header 'ce_id' is given twice, as \"e-4\" and \"e-5\"", binaryReason(twice, "{}"));
        assertTrue(binaryReason(binaryHeaders("e-4"), "{oops").startsWith("binary mode: the value is not JSON (content-type absent, so JSON): "));
        assertEquals("binary mode: the value is a JSON array; the event's data must be a JSON object", binaryReason(binaryHeaders("e-4"), "[1]"));
        assertEquals("binary mode: the value is empty; it must be the event's data, a JSON object", binaryReason(binaryHeaders("e-4"), ""));
        Headers text = binaryHeaders("e-4");
        text.add("content-type", bytes("text/plain"));
        assertTrue(binaryReason(text, "{}").startsWith("binary mode: header 'content-type' is \"text/plain\", which is not JSON"));
    }

    @Test
    void refusesBothModesAtOnceAndHeadersThatDisagreeWithTheValue() {
        String sameAttributes = envelope("{}").replace("\"type\":\"t\"", "\"type\":\"alert.updated\"");
        assertTrue(binaryReason(binaryHeaders("e-1"), sameAttributes).startsWith("both content modes: ce_ headers (binary mode) and a whole CloudEvents envelope"));
        assertEquals("binary mode: header 'ce_id' is \"e-9\" but the value, itself a CloudEvents envelope, says 'id' is \"e-1\"",
                binaryReason(binaryHeaders("e-9"), envelope("{}")));
        Headers disagreeing = binaryHeaders("e-1");
        disagreeing.add("content-type", bytes("application/json"));
        disagreeing.add("ce_datacontenttype", bytes("application/xml"));
        assertEquals("binary mode: header 'ce_datacontenttype' is \"application/xml\" but header 'content-type' is \"application/json\"; they must agree",
                binaryReason(disagreeing, "{}"));
    }

    @Test
    void validatesFieldsWithReasonsThatNameTheFieldAndTheRule() {
        EventData data = parse(envelope("{\"id\":12,\"neg\":-3,\"big\":1e30,\"str\":\"x\",\"long\":\"abcdef\",\"flag\":\"yes\","
                + "\"status\":\"open\",\"at\":\"2026-11-21T10:00:00Z\",\"nothing\":null}")).fields();

        assertEquals(12, data.requiredId("id"));
        assertFalse(data.optionalId("nothing").isPresent(), "null reads as absent");
        assertEquals("field 'missing' is required in data", assertThrows(InvalidEventException.class, () -> data.requiredId("missing")).getMessage());
        assertEquals("field 'neg' must be a positive integer, got -3", assertThrows(InvalidEventException.class, () -> data.requiredId("neg")).getMessage());
        assertTrue(assertThrows(InvalidEventException.class, () -> data.requiredId("big")).getMessage().startsWith("field 'big' must be an integer"));
        assertTrue(assertThrows(InvalidEventException.class, () -> data.requiredId("str")).getMessage().startsWith("field 'str' must be an integer, got string"));
        assertEquals("field 'long' is 6 characters long; at most 5 are allowed",
                assertThrows(InvalidEventException.class, () -> data.requiredText("long", 5)).getMessage());
        assertEquals("field 'flag' must be true or false, got string \"yes\"",
                assertThrows(InvalidEventException.class, () -> data.optionalBoolean("flag")).getMessage());
        assertEquals("field 'status' must be one of resolved, triggered; got \"open\"",
                assertThrows(InvalidEventException.class, () -> data.requiredEnum("status", Set.of("triggered", "resolved"))).getMessage());
        assertEquals(OffsetDateTime.parse("2026-11-21T10:00:00Z"), data.requiredTime("at"));
        assertEquals("field 'str' must be an RFC 3339 timestamp, got \"x\"",
                assertThrows(InvalidEventException.class, () -> data.requiredTime("str")).getMessage());
    }
}
