package com.gitlab.ops.incident.tracing;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.RecordedSpans;
import com.gitlab.ops.testing.Traceparent;
import com.gitlab.ops.testing.UnleashServerResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One trace per event: the producer's {@code traceparent} continued by the consumer's span, the SQL
 * under it, and the event out through the outbox carrying the same trace. The same resources as
 * CloudEventsModesTest, so that both share one start of the service.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class EventTracesTest {

    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    private static final AttributeKey<String> DEAD_LETTER_REASON = AttributeKey.stringKey("dead_letter.reason");

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private final RecordedSpans spans = RecordedSpans.current();

    @BeforeEach
    void record() {
        spans.record();
    }

    @AfterEach
    void stop() {
        spans.stop();
    }

    @Test
    void anAlertWithATraceparentIsOneTraceFromItsSpanThroughTheSqlToTheEscalationEventOut() {
        long project = newProject();
        Traceparent producer = Traceparent.random();
        String id = CloudEvents.newId();
        String key = Long.toString(project);
        kafka.produceStrings().fromRecords(producer.on("alerts", key, CloudEvents.envelope(id, "alert.updated",
                incidentAlert(project, "acknowledged")), "vendor=opaque-value")).awaitCompletion();

        SpanData consumer = spans.awaitEvent(WAIT, id);
        assertEquals("process alerts", consumer.getName());
        assertEquals(SpanKind.CONSUMER, consumer.getKind());
        assertEquals(producer.traceId(), consumer.getTraceId(), "the producer's trace is continued");
        assertEquals(producer.spanId(), consumer.getParentSpanId(), "the consumer span is a child of the producer's");
        assertEquals("opaque-value", consumer.getSpanContext().getTraceState().get("vendor"), "the producer's tracestate is kept");
        assertEquals("alert.updated", consumer.getAttributes().get(EVENT_TYPE));
        assertEquals("alerts", consumer.getAttributes().get(DESTINATION));
        assertTrue(consumer.getAttributes().get(PARTITION) != null && consumer.getAttributes().get(OFFSET) != null,
                "partition and offset: " + consumer.getAttributes());

        // The escalation status change it made goes out in the same trace, from the relay's span.
        ConsumerRecord<String, String> out = KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT,
                r -> r.key().equals(key) && r.value().contains("\"incident.escalation_status.changed\""));
        Traceparent sent = Traceparent.parse(KafkaRecords.header(out, "traceparent"));
        assertEquals(producer.traceId(), sent.traceId(), "incident.escalation_status.changed carries the alert's trace");
        assertEquals("vendor=opaque-value", KafkaRecords.header(out, "tracestate"), "and its tracestate");
        SpanData publish = spans.await(WAIT, "the relay's span of the event out", s -> s.getSpanId().equals(sent.spanId()));
        assertEquals("publish incident-escalations", publish.getName());
        assertEquals(SpanKind.PRODUCER, publish.getKind());
        assertEquals(consumer.getSpanId(), publish.getParentSpanId(), "the send is a child of the change that wrote the event");
        assertEquals(1, headers(out, "traceparent").size(), "one traceparent on the event out");

        List<String> statements = spans.statementsUnder(consumer).stream().map(s -> s.getName().toLowerCase()).toList();
        assertTrue(statements.stream().anyMatch(name -> name.startsWith("insert") && name.endsWith(".escalation_status"))
                && statements.stream().anyMatch(name -> name.startsWith("insert") && name.endsWith(".outbox_event")),
                "the event's SQL statements, its record and its outbox row among them, are children of its span: " + statements);
    }

    @Test
    void anAlertWithoutTraceparentStartsANewTraceThatItsEventOutContinues() {
        long project = newProject();
        String id = CloudEvents.newId();
        send(project, CloudEvents.envelope(id, "alert.updated", incidentAlert(project, "acknowledged")), null);

        SpanData consumer = spans.awaitEvent(WAIT, id);
        assertFalse(SpanId.isValid(consumer.getParentSpanId()), "a new trace: no parent, got " + consumer.getParentSpanId());
        ConsumerRecord<String, String> out = KafkaRecords.awaitFirst(kafka, "incident-escalations", WAIT,
                r -> r.key().equals(Long.toString(project)));
        assertEquals(consumer.getTraceId(), Traceparent.parse(KafkaRecords.header(out, "traceparent")).traceId());
    }

    @Test
    void theCloudEventsTracingExtensionIsReadWhenTheRecordHasNoTraceparentHeader() {
        long project = newProject();
        Traceparent producer = Traceparent.random();
        var envelope = CloudEvents.envelopeNode("alert.updated", incidentAlert(project, "triggered")).put("traceparent", producer.header());
        String id = envelope.get("id").asText();
        send(project, envelope.toString(), null);

        SpanData consumer = spans.awaitEvent(WAIT, id);
        assertEquals(producer.traceId(), consumer.getTraceId());
        assertEquals(producer.spanId(), consumer.getParentSpanId());
    }

    @Test
    void aDeadLetteredAlertKeepsItsTraceparentAndItsSpanSaysWhy() {
        long project = newProject();
        Traceparent producer = Traceparent.random();
        String id = CloudEvents.newId();
        send(project, CloudEvents.envelope(id, "alert.updated", incidentAlert(project, "exploded")), producer);

        ConsumerRecord<String, String> dead = KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> r.key().equals(Long.toString(project)));
        assertEquals(List.of(producer.header()), headers(dead, "traceparent"), "the original traceparent, and no other");
        SpanData consumer = spans.awaitEvent(WAIT, id);
        assertEquals(producer.traceId(), consumer.getTraceId());
        assertEquals(StatusCode.ERROR, consumer.getStatus().getStatusCode());
        assertEquals(KafkaRecords.header(dead, "dead-letter-reason"), consumer.getAttributes().get(DEAD_LETTER_REASON));
        assertNotEquals(null, consumer.getAttributes().get(DEAD_LETTER_REASON));
    }

    @Test
    void aRecordThatIsNoEventIsTracedAndDeadLetteredWithItsTraceparent() {
        long project = newProject();
        Traceparent producer = Traceparent.random();
        send(project, "not json", producer);

        ConsumerRecord<String, String> dead = KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> r.key().equals(Long.toString(project)));
        assertEquals(List.of(producer.header()), headers(dead, "traceparent"));
        SpanData span = spans.await(WAIT, "the span of the unreadable record", s -> s.getTraceId().equals(producer.traceId()));
        assertEquals(producer.spanId(), span.getParentSpanId());
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertEquals(KafkaRecords.header(dead, "dead-letter-reason"), span.getAttributes().get(DEAD_LETTER_REASON));
    }

    private void send(long project, String value, Traceparent traceparent) {
        String key = Long.toString(project);
        kafka.produceStrings().fromRecords(traceparent == null ? new ProducerRecord<>("alerts", key, value) : traceparent.on("alerts", key, value))
                .awaitCompletion();
    }

    private static Map<String, Object> incidentAlert(long project, String status) {
        return new HashMap<>(Map.of("project_id", project, "alert_iid", 1, "title", "Checkout is down", "status", status,
                "updated_at", "2026-11-21T10:00:00Z", "create_incident", true));
    }

    private static List<String> headers(ConsumerRecord<?, ?> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false)
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
    }
}
