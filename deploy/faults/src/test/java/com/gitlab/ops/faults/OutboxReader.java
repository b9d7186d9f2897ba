package com.gitlab.ops.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.KafkaRecords;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A downstream consumer of the services' outbox topics that de-duplicates by event id, as the
 * contracts ask of every consumer: the relay publishes at least once, so a crash between sending and
 * marking an event sent repeats it, and this counts such repeats apart.
 */
final class OutboxReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Map<String, Set<String>> ids = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    /** Per topic and key, event ids in the order first received. */
    private final Map<String, Map<String, List<String>>> firstSeen = new ConcurrentHashMap<>();
    private final Thread thread = new Thread(this::run, "outbox-reader");
    private volatile boolean running = true;

    OutboxReader(String bootstrapServers, List<String> topics) {
        this.consumer = new KafkaConsumer<>(properties(bootstrapServers, "fault-suite-" + UUID.randomUUID()));
        this.topics = topics;
        topics.forEach(topic -> {
            ids.put(topic, ConcurrentHashMap.newKeySet());
            received.put(topic, new AtomicLong());
            firstSeen.put(topic, new ConcurrentHashMap<>());
        });
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    long distinct(String topic) {
        return ids.get(topic).size();
    }

    /** Messages received again with an id already seen: published more than once, consumed once. */
    long redelivered(String topic) {
        return received.get(topic).get() - distinct(topic);
    }

    Set<String> ids(String topic) {
        return topic == null ? Set.of() : Set.copyOf(ids.get(topic));
    }

    /**
     * Events received out of their outbox order within a key: {@code outboxOrder} gives each event id
     * its outbox row id, the order the relay must keep per key. More than one relay at a time would
     * interleave batches and break it.
     */
    long outOfOrder(String topic, Map<String, Long> outboxOrder) {
        long outOfOrder = 0;
        for (List<String> perKey : firstSeen.get(topic).values()) {
            long last = Long.MIN_VALUE;
            for (String id : List.copyOf(perKey)) {
                long row = outboxOrder.getOrDefault(id, Long.MAX_VALUE);
                if (row < last) {
                    outOfOrder++;
                }
                last = Math.max(last, row);
            }
        }
        return outOfOrder;
    }

    /** Keys seen on a topic. */
    int keys(String topic) {
        return firstSeen.get(topic).size();
    }

    /** How many records a topic holds (a dead-letter topic, say). */
    static long records(String bootstrapServers, String topic) {
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            return KafkaRecords.size(kafka, topic);
        }
    }

    private void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    received.get(record.topic()).incrementAndGet();
                    String id = JSON.readTree(record.value()).get("id").asText();
                    if (ids.get(record.topic()).add(id)) {
                        firstSeen.get(record.topic()).computeIfAbsent(String.valueOf(record.key()), k -> new ArrayList<>()).add(id);
                    }
                }
            }
        } catch (WakeupException e) {
            // Closing.
        } catch (IOException e) {
            throw new IllegalStateException("an outbox event is not JSON", e);
        } finally {
            consumer.close();
        }
    }

    private static Properties properties(String bootstrapServers, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
