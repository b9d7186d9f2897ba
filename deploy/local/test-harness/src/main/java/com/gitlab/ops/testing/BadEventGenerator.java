package com.gitlab.ops.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Malformed events mixed into good traffic on a topic: not JSON, not UTF-8, empty, envelopes with a
 * field missing or of the wrong type, data with a required field missing, null or of the wrong type,
 * oversized text, unknown enums and unknown references (given by the caller, who knows the contract),
 * and what the CloudEvents Kafka binding calls invalid ({@link BindingMalformations}), the data-level
 * mistakes again in binary mode. Good events alternate between the two modes. Every bad one must
 * reach {@code <topic>.dlq} with a reason (the binding's with the reason they call for), unchanged;
 * every good one must apply.
 */
public final class BadEventGenerator {

    public record Report(int badSent, int goodSent, List<String> goodIds, Map<String, String> reasons, Map<String, Variant> sent,
            Counted before) {

        /**
         * Every bad event was dead-lettered with a reason, and every good one sent between them is
         * applied, as {@code applied} (an event id) says within a minute.
         */
        public void assertComplete(java.util.function.Predicate<String> applied) {
            if (badSent < 1_000 || reasons.size() != badSent) {
                throw new AssertionError("sent " + badSent + " bad events, " + reasons.size() + " dead-lettered");
            }
            reasons.forEach((key, reason) -> {
                if (reason == null || reason.isBlank()) {
                    throw new AssertionError(key + " was dead-lettered without a reason");
                }
                Variant variant = sent.get(key);
                if (variant.reasonStart() != null && !reason.startsWith(variant.reasonStart())) {
                    throw new AssertionError(variant.what() + " was dead-lettered with \"" + reason + "\"; expected a reason starting \""
                            + variant.reasonStart() + "\"");
                }
            });
            for (String id : goodIds) {
                await("good event " + id + " applied").atMost(Duration.ofSeconds(60)).until(() -> applied.test(id));
            }
            if (before != null) {
                // Exactly: one dead letter counted per bad event, one applied per good one, nothing else.
                Counted expected = new Counted(before.metrics(), before.topic(), before.deadLettered() + badSent, before.applied() + goodSent);
                await("the counters").atMost(Duration.ofSeconds(30)).until(() -> {
                    Counted now = Counted.read(before.metrics(), before.topic());
                    return now.deadLettered() >= expected.deadLettered() && now.applied() >= expected.applied();
                });
                // And they stay there: an increment arriving late (a second dead letter for one event) shows.
                try {
                    await("the counters, staying at what is expected").pollDelay(Duration.ZERO).during(Duration.ofSeconds(2))
                            .atMost(Duration.ofSeconds(5)).until(() -> {
                                Counted now = Counted.read(before.metrics(), before.topic());
                                return now.deadLettered() == expected.deadLettered() && now.applied() == expected.applied();
                            });
                } catch (org.awaitility.core.ConditionTimeoutException moved) {
                    // Said below, with the figures.
                }
                Counted now = Counted.read(before.metrics(), before.topic());
                if (now.deadLettered() != expected.deadLettered() || now.applied() != expected.applied()) {
                    throw new AssertionError("events_dead_lettered_total and events_consumed_total{outcome=\"applied\"} for " + before.topic()
                            + " went from " + before.deadLettered() + " and " + before.applied() + " to " + now.deadLettered() + " and "
                            + now.applied() + "; expected " + expected.deadLettered() + " and " + expected.applied());
                }
            }
        }
    }

    /** The service's own counts for a topic, read from its Prometheus metrics. */
    public record Counted(Supplier<String> metrics, String topic, double deadLettered, double applied) {

        static Counted read(Supplier<String> metrics, String topic) {
            String exposition = metrics.get();
            return new Counted(metrics, topic, PrometheusText.value(exposition, "events_dead_lettered_total{topic=\"" + topic + "\"}"),
                    PrometheusText.value(exposition, "events_consumed_total{outcome=\"applied\",topic=\"" + topic + "\"}"));
        }
    }

    /** One malformed record; {@code reasonStart}, where known, is how its dead-letter reason must start. */
    public record Variant(String what, List<Header> headers, byte[] value, String reasonStart) {

        static Variant structured(byte[] value) {
            String text = new String(value, StandardCharsets.UTF_8);
            return new Variant("structured: " + (text.length() > 80 ? text.substring(0, 80) + "…" : text), List.of(), value, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaCompanion kafka;
    private final String topic;
    private final IntFunction<ObjectNode> goodEvent;
    private final List<String> requiredFields;
    private final Map<String, String> invalidValues;
    private Supplier<String> metrics;

    /**
     * @param goodEvent      the i-th good event, a whole envelope
     * @param requiredFields data fields the contract requires
     * @param invalidValues  data field to a JSON value that is well-formed but impossible (unknown enum, unknown reference)
     */
    public BadEventGenerator(KafkaCompanion kafka, String topic, IntFunction<ObjectNode> goodEvent, List<String> requiredFields,
            Map<String, String> invalidValues) {
        this.kafka = kafka;
        this.topic = topic;
        this.goodEvent = goodEvent;
        this.requiredFields = requiredFields;
        this.invalidValues = invalidValues;
    }

    /** The service's {@code /q/metrics}: the report then also checks the exact increments of its event counters. */
    public BadEventGenerator countedAt(Supplier<String> metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Sends at least {@code bad} malformed events, a good one after every ten, and waits for every dead letter. */
    public Report run(int bad, Duration timeout) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Variant> variants = new ArrayList<>();
        List<String> goodIds = new ArrayList<>();
        int goodSent = 0;
        int i = 0;
        while (variants.size() < bad) {
            ObjectNode good = goodEvent.apply(i++);
            variants.addAll(mutations(good).stream().map(Variant::structured).toList());
            variants.addAll(binaryMutations(good));
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, Variant> sent = new HashMap<>();
        for (int n = 0; n < variants.size(); n++) {
            Variant variant = variants.get(n);
            String key = "bad-" + run + "-" + n;
            sent.put(key, variant);
            records.add(new ProducerRecord<>(topic, null, key, variant.value(), variant.headers()));
            if (n % 10 == 9) {
                ObjectNode good = goodEvent.apply(100_000 + n);
                goodIds.add(good.get("id").asText());
                // Every other good event in binary mode, as the CloudEvents SDKs send by default.
                records.add(n % 20 == 9
                        ? new ProducerRecord<>(topic, "good-" + run + "-" + n, JSON.writeValueAsBytes(good))
                        : new ProducerRecord<>(topic, null, "good-" + run + "-" + n, BindingMalformations.data(good),
                                BindingMalformations.binaryHeaders(good, good.get("id").asText())));
                goodSent++;
            }
        }
        Counted before = metrics == null ? null : Counted.read(metrics, topic);
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(timeout);
        Map<String, String> reasons = awaitDeadLetters("bad-" + run + "-", variants.size(), timeout);
        return new Report(variants.size(), goodSent, goodIds, reasons, sent, before);
    }

    private List<byte[]> mutations(ObjectNode good) {
        List<byte[]> out = new ArrayList<>();
        String text = good.toString();
        out.add("this is not json".getBytes(StandardCharsets.UTF_8));
        out.add(text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8));
        out.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
        out.add(new byte[0]);
        out.add("[1,2,3]".getBytes(StandardCharsets.UTF_8));
        for (String field : List.of("specversion", "id", "source", "type", "time", "data")) {
            ObjectNode missing = good.deepCopy();
            missing.remove(field);
            out.add(bytes(missing));
            ObjectNode wrong = good.deepCopy();
            wrong.put(field, 12345);
            out.add(bytes(wrong));
        }
        for (String field : requiredFields) {
            ObjectNode missing = good.deepCopy();
            ((ObjectNode) missing.get("data")).remove(field);
            out.add(bytes(missing));
            ObjectNode wrongType = good.deepCopy();
            JsonNode value = good.get("data").get(field);
            // Wrong for what the field is: a number where an object or list belongs, an object elsewhere.
            ((ObjectNode) wrongType.get("data")).set(field, value != null && value.isContainerNode()
                    ? JSON.getNodeFactory().numberNode(42) : JSON.createObjectNode().put("nested", true));
            out.add(bytes(wrongType));
            ObjectNode nulled = good.deepCopy();
            ((ObjectNode) nulled.get("data")).putNull(field);
            out.add(bytes(nulled));
        }
        good.get("data").fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                ObjectNode huge = good.deepCopy();
                ((ObjectNode) huge.get("data")).put(e.getKey(), "x".repeat(100_000));
                out.add(bytes(huge));
            }
        });
        invalidValues.forEach((field, value) -> out.add(bytes(withData(good, field, value))));
        // Each variant is a new event, so that none is skipped as a duplicate of another.
        return out.stream().map(b -> freshId(b)).toList();
    }

    /** The binding's malformations, and the data-level ones again in binary mode (a new id each). */
    private List<Variant> binaryMutations(ObjectNode good) {
        List<Variant> out = new ArrayList<>(BindingMalformations.of(good).stream()
                .map(m -> new Variant(m.what(), m.headers(), m.value(), m.reasonStart())).toList());
        for (String field : requiredFields) {
            ObjectNode missing = good.deepCopy();
            ((ObjectNode) missing.get("data")).remove(field);
            out.add(binary("binary, data without " + field, missing));
        }
        invalidValues.forEach((field, value) -> out.add(binary("binary, data with " + field + " " + value, withData(good, field, value))));
        return out;
    }

    /** The event with one data field set to a JSON value. */
    private static ObjectNode withData(ObjectNode good, String field, String jsonValue) {
        ObjectNode changed = good.deepCopy();
        try {
            ((ObjectNode) changed.get("data")).set(field, JSON.readTree(jsonValue));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return changed;
    }

    private static Variant binary(String what, ObjectNode envelope) {
        return new Variant(what, BindingMalformations.binaryHeaders(envelope, UUID.randomUUID().toString()),
                BindingMalformations.data(envelope), null);
    }

    private static byte[] freshId(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node instanceof ObjectNode object && object.get("id") != null && object.get("id").isTextual()) {
                object.put("id", UUID.randomUUID().toString());
                return bytes(object);
            }
        } catch (Exception notJson) {
            // Sent as it is.
        }
        return value;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> awaitDeadLetters(String keyPrefix, int expected, Duration timeout) {
        Map<String, String> reasons = new HashMap<>();
        try (ConsumerTask<String, byte[]> deadLetters = kafka.consume(String.class, byte[].class)
                .withProp(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .fromTopics(Set.of(topic + ".dlq"), records -> records.select().where(r -> r.key() != null && r.key().startsWith(keyPrefix)))) {
            // By key: a dead letter written twice for one event must not stand in for another's.
            await("all " + expected + " dead letters on " + topic + ".dlq").atMost(timeout).until(() -> {
                for (ConsumerRecord<String, byte[]> r : deadLetters.getRecords()) {
                    reasons.put(r.key(), KafkaRecords.header(r, "dead-letter-reason"));
                }
                return reasons.size() >= expected;
            });
        }
        return reasons;
    }
}
