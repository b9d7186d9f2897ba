package com.gitlab.ops.incident.outbox;

import static com.gitlab.ops.testing.KafkaRecords.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.platform.outbox.Outbox;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The platform's transactional outbox, relayed to the real broker. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class OutboxRelayTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Outbox outbox;

    @Test
    void committedEventsArePublishedInOrderAndARolledBackOneNever() throws Exception {
        String topic = "outbox-test-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                outbox.publish(topic, "7", "test.happened", Map.of("run", run, "n", 0));
                throw new IllegalStateException("roll back");
            });
        } catch (IllegalStateException expected) {
            // The change failed, so its event must not exist either.
        }
        QuarkusTransaction.requiringNew().run(() -> {
            for (int n = 1; n <= 3; n++) {
                outbox.publish(topic, "7", "test.happened", Map.of("run", run, "n", n));
            }
        });
        List<Integer> seen = new ArrayList<>();
        ConsumerRecord<String, String> last = KafkaRecords.awaitFirst(kafka, topic, Duration.ofSeconds(30), r -> {
            JsonNode event = read(r);
            seen.add(event.at("/data/n").asInt());
            return event.at("/data/n").asInt() == 3;
        });

        assertEquals(List.of(1, 2, 3), seen);
        JsonNode envelope = read(last);
        assertEquals("1.0", envelope.get("specversion").asText());
        assertEquals("test.happened", envelope.get("type").asText());
        assertEquals("/gitlab/incident-service", envelope.get("source").asText());
        assertEquals(run, envelope.at("/data/run").asText());
        assertEquals("7", last.key());
        assertTrue(envelope.hasNonNull("id") && envelope.hasNonNull("time"));
        assertEquals("application/cloudevents+json", header(last, "content-type"));
    }

    @Test
    void eventsWrittenInBulkHaveTheSameEnvelopeAsOneByOne() {
        String topic = "outbox-test-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(topic, "7", "test.happened", Map.of("n", 0));
            int written = outbox.publishAll("WITH numbers AS (SELECT generate_series(1, :count) AS n)", topic, "test.happened",
                    "SELECT '7', json_build_object('n', n) FROM numbers ORDER BY n", Map.of("count", 3));
            assertEquals(3, written);
        });

        List<JsonNode> seen = new ArrayList<>();
        KafkaRecords.awaitFirst(kafka, topic, Duration.ofSeconds(30), r -> {
            seen.add(read(r));
            return seen.size() == 4;
        });
        assertEquals(List.of(0, 1, 2, 3), seen.stream().map(e -> e.at("/data/n").asInt()).toList());
        JsonNode single = seen.get(0);
        for (JsonNode bulk : seen.subList(1, 4)) {
            assertEquals(fieldNames(single), fieldNames(bulk));
            for (String field : List.of("specversion", "source", "type", "datacontenttype")) {
                assertEquals(single.get(field), bulk.get(field), field);
            }
            UUID.fromString(bulk.get("id").asText());
            assertTrue(java.time.OffsetDateTime.parse(bulk.get("time").asText()).isAfter(java.time.OffsetDateTime.now().minusMinutes(1)));
        }
        assertEquals(4, seen.stream().map(e -> e.get("id").asText()).distinct().count(), "every event has its own id");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode read(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
