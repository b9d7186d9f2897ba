package com.gitlab.ops.platform.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventEnvelopeParserTest {

    private final EventEnvelopeParser parser = new EventEnvelopeParser(new ObjectMapper());

    private CloudEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private String reason(String json) {
        return assertThrows(InvalidEventException.class, () -> parse(json)).getMessage();
    }

    private static String envelope(String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"t\",\"time\":\"2026-11-21T10:00:00Z\",\"data\":" + data + "}";
    }

    @Test
    void readsAValidEnvelopeAndIgnoresExtensionAttributes() {
        CloudEvent event = parse("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"alert.updated\","
                + "\"time\":\"2026-11-21T10:00:00+01:00\",\"datacontenttype\":\"application/json\",\"data\":{\"a\":1}}");
        assertEquals("e-1", event.id());
        assertEquals("alert.updated", event.type());
        assertEquals(OffsetDateTime.parse("2026-11-21T09:00:00Z").toInstant(), event.time().toInstant());
        assertEquals(1, event.data().get("a").asInt());
    }

    @Test
    void saysWhyAnEnvelopeCannotBeRead() {
        assertTrue(reason("{oops").startsWith("value is not JSON"));
        assertEquals("value is not a JSON object; expected a CloudEvents envelope", reason("[1,2]"));
        assertEquals("message has no value; expected a CloudEvents JSON object",
                assertThrows(InvalidEventException.class, () -> parser.parse(new byte[0])).getMessage());
        assertEquals("specversion must be \"1.0\", got \"0.3\"", reason(envelope("{}").replace("\"1.0\"", "\"0.3\"")));
        assertEquals("envelope field 'id' is required", reason(envelope("{}").replace("\"id\":\"e-1\",", "")));
        assertEquals("envelope field 'type' must be a non-empty string", reason(envelope("{}").replace("\"type\":\"t\"", "\"type\":7")));
        assertEquals("envelope field 'time' must be an RFC 3339 timestamp, got \"yesterday\"",
                reason(envelope("{}").replace("2026-11-21T10:00:00Z", "yesterday")));
        assertEquals("field 'data' is required and must be a JSON object", reason(envelope("\"text\"")));
        // PostgreSQL cannot store NUL: said at once, not found by retrying a write ten times.
        assertEquals("envelope field 'id' must be at most 256 characters, without NUL characters",
                reason(envelope("{}").replace("\"id\":\"e-1\"", "\"id\":\"e\\u0000\"")));
        assertEquals("field 'title' must not contain NUL (\\u0000) characters",
                assertThrows(InvalidEventException.class, () -> parse(envelope("{\"title\":\"a\\u0000b\"}")).fields().requiredText("title", 255)).getMessage());
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
