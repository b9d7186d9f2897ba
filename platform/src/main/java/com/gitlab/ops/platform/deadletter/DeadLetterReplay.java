package com.gitlab.ops.platform.deadletter;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.inbox.KafkaClientConfig;
import com.gitlab.ops.platform.job.AdminJobRunner;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Sends dead letters back to the topic they came from, once their cause is fixed (the missing
 * policy created, say). Key, value and the original headers go back unchanged, plus
 * {@code replayed-from}; the event keeps its id, so replaying one that was applied since changes
 * nothing, and one that is still bad is dead-lettered again with its reason.
 */
@ApplicationScoped
public class DeadLetterReplay {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);
    private static final Set<String> DEAD_LETTER_HEADERS = Set.of("dead-letter-reason", "dead-letter-cause", "dead-letter-topic",
            "dead-letter-partition", "dead-letter-offset", "dead-letter-exception-class-name", "dead-letter-cause-class-name");

    /** Which dead letters to replay; every criterion left null matches all. */
    public record Selection(Integer partition, Long fromOffset, Long toOffset, String key) {
    }

    public record Result(String topic, String from, int replayed, int skipped) {
    }

    private final Config config;
    private final MeterRegistry registry;
    private final KafkaClientConfig clients;

    public DeadLetterReplay(Config config, MeterRegistry registry, KafkaClientConfig clients) {
        this.config = config;
        this.registry = registry;
        this.clients = clients;
    }

    /** Refuses, before any job starts, a topic this service does not consume. */
    public void requireConsumed(String topic) {
        Set<String> consumed = consumedTopics();
        if (!consumed.contains(topic)) {
            throw ApiException.notFound("this service does not consume topic '" + topic + "'; it consumes " + String.join(", ", consumed));
        }
    }

    /** Replays the selection, reporting progress (records read of those there when it started) as it goes. */
    public Result replay(String topic, Selection selection, AdminJobRunner.Progress progress) {
        requireConsumed(topic);
        String dlq = topic + ".dlq";
        int replayed = 0;
        int skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlq, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(dlq, p.partition()))
                    .filter(p -> selection.partition() == null || p.partition() == selection.partition())
                    .toList();
            if (partitions.isEmpty()) {
                throw ApiException.notFound("dead-letter topic '" + dlq + "' has no partition " + selection.partition());
            }
            consumer.assign(partitions);
            // What is there now: dead letters written while replaying are left for another replay.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            for (TopicPartition p : partitions) {
                consumer.seek(p, Math.max(start.get(p), selection.fromOffset() == null ? 0 : selection.fromOffset()));
            }
            List<TopicPartition> open = new ArrayList<>(partitions.stream().filter(p -> consumer.position(p) < end.get(p)).toList());
            long total = 0;
            for (TopicPartition p : open) {
                total += end.get(p) - consumer.position(p);
            }
            // A background job now, so a large topic may take its time; an hour without reaching the end is stuck.
            long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(p)) {
                        continue;
                    }
                    if (matches(record, selection)) {
                        producer.send(resend(topic, record)).get(30, TimeUnit.SECONDS);
                        replayed++;
                    } else {
                        skipped++;
                    }
                }
                open.removeIf(p -> consumer.position(p) >= end.get(p));
                progress.report(replayed + skipped, total, Map.of("replayed", replayed, "skipped", skipped));
            }
            producer.flush();
            if (!open.isEmpty()) {
                throw new IllegalStateException("stopped after an hour with " + replayed + " replayed and " + skipped
                        + " skipped: partitions " + open + " were not read to their end");
            }
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("replaying " + dlq + " failed after " + replayed + " records: " + e.getMessage(), e);
        }
        registry.counter("events.replayed", "topic", topic).increment(replayed);
        LOG.infof("Replayed %d dead letters from %s to %s (%d left as they were)", replayed, dlq, topic, skipped);
        return new Result(topic, dlq, replayed, skipped);
    }

    private static boolean matches(ConsumerRecord<byte[], byte[]> record, Selection selection) {
        if (selection.toOffset() != null && record.offset() > selection.toOffset()) {
            return false;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        return selection.key() == null || selection.key().equals(key);
    }

    private static ProducerRecord<byte[], byte[]> resend(String topic, ConsumerRecord<byte[], byte[]> record) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value());
        StreamSupport.stream(record.headers().spliterator(), false)
                .filter(h -> !DEAD_LETTER_HEADERS.contains(h.key()))
                .forEach(h -> out.headers().add(h));
        out.headers().add("replayed-from", (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private Set<String> consumedTopics() {
        Set<String> topics = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("mp.messaging.incoming.") && name.endsWith(".topic")) {
                config.getOptionalValue(name, String.class).ifPresent(topics::add);
            }
        }
        return topics.stream().filter(t -> !t.endsWith(".dlq")).collect(Collectors.toCollection(TreeSet::new));
    }

    private Properties consumerProperties() {
        Properties props = clients.consumer();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private Properties producerProperties() {
        Properties props = clients.producer();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
