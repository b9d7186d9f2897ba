package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The official CloudEvents Java SDK ({@code cloudevents-kafka}) as producers and consumers in other
 * systems use it: nobody here wrote its serializer, so what it sends is what the services must read.
 */
public final class CloudEventsSdk {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaCompanion kafka;

    public CloudEventsSdk(KafkaCompanion kafka) {
        this.kafka = kafka;
    }

    public static CloudEventsSdk forSharedBroker() {
        return new CloudEventsSdk(KafkaBroker.shared().companion());
    }

    /** An event built as the SDK's users build one: JSON data, declared as such, and a time. */
    public static CloudEvent event(String id, String type, Map<String, ?> data) {
        try {
            return CloudEventBuilder.v1().withId(id).withSource(URI.create("/sdk-producer")).withType(type)
                    .withTime(OffsetDateTime.now(ZoneOffset.UTC)).withData("application/json", JSON.writeValueAsBytes(data)).build();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The same, with no {@code datacontenttype}: in binary mode the SDK then sends no content-type header. */
    public static CloudEvent eventWithoutContentType(String id, String type, Map<String, ?> data) {
        try {
            return CloudEventBuilder.v1(event(id, type, data)).withDataContentType(null).build();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Sends with the SDK's serializer in its default configuration (binary mode). */
    public void sendWithDefaults(String topic, String key, CloudEvent event) {
        send(topic, key, event, Map.of());
    }

    public void send(String topic, String key, CloudEvent event, Encoding encoding) {
        Map<String, Object> props = new HashMap<>(Map.of(CloudEventSerializer.ENCODING_CONFIG, encoding.name()));
        if (encoding == Encoding.STRUCTURED) {
            props.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
        }
        send(topic, key, event, props);
    }

    private void send(String topic, String key, CloudEvent event, Map<String, Object> serializer) {
        kafka.<String, CloudEvent>produceWithSerializers(StringSerializer.class.getName(), CloudEventSerializer.class.getName())
                .withProps(serializer).fromRecords(new ProducerRecord<>(topic, key, event)).awaitCompletion(Duration.ofSeconds(30));
    }

    /**
     * Checks what the SDK read from a service's outgoing topic is a whole CloudEvent of that type
     * and source, with JSON data, and returns the data.
     */
    public static JsonNode publishedData(CloudEvent event, String type, String source) {
        require(event.getSpecVersion() == SpecVersion.V1, "specversion 1.0", event);
        require(type.equals(event.getType()), "type " + type, event);
        require(source.equals(event.getSource().toString()), "source " + source, event);
        require(event.getId() != null && event.getTime() != null, "an id and a time", event);
        require("application/json".equals(event.getDataContentType()) && event.getData() != null, "JSON data", event);
        try {
            return JSON.readTree(event.getData().toBytes());
        } catch (Exception e) {
            throw new AssertionError("the data of " + event + " is not JSON", e);
        }
    }

    private static void require(boolean condition, String what, CloudEvent event) {
        if (!condition) {
            throw new AssertionError("expected " + what + " in " + event);
        }
    }

    /** Reads {@code topic} from the beginning with the SDK's deserializer until an event matches. */
    public CloudEvent awaitEvent(String topic, Duration timeout, Predicate<ConsumerRecord<String, CloudEvent>> match) {
        return KafkaRecords.awaitFirst(kafka.<String, CloudEvent>consumeWithDeserializers(StringDeserializer.class.getName(),
                CloudEventDeserializer.class.getName()), topic, timeout, match).value();
    }
}
