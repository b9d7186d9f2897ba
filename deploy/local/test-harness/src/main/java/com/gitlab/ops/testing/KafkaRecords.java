package com.gitlab.ops.testing;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerBuilder;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** What the tests read from Kafka that the companion has no single call for. */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /** Reads {@code topic} from the beginning until a record matches, failing after {@code timeout}. */
    public static ConsumerRecord<String, String> awaitFirst(KafkaCompanion kafka, String topic, Duration timeout,
            Predicate<ConsumerRecord<String, String>> match) {
        return awaitFirst(kafka.consumeStrings(), topic, timeout, match);
    }

    /** The same with the consumer's own deserializers. */
    public static <K, V> ConsumerRecord<K, V> awaitFirst(ConsumerBuilder<K, V> consumer, String topic, Duration timeout,
            Predicate<ConsumerRecord<K, V>> match) {
        try (ConsumerTask<K, V> task = consumer
                .withProp(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .fromTopics(Set.of(topic), records -> records.select().where(match).select().first())) {
            try {
                return task.awaitCompletion(timeout).getFirstRecord();
            } catch (AssertionError e) {
                throw new AssertionError("no matching record read from " + topic + " within " + timeout + ": " + e.getMessage(), e);
            }
        }
    }

    /** A header's value as UTF-8 text; null when the record has none (the companion's own getHeader throws then). */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** How many records a topic holds now, over all its partitions. */
    public static long size(KafkaCompanion kafka, String topic) {
        List<TopicPartition> partitions = kafka.topics().describe(topic).get(topic).partitions().stream()
                .map(p -> KafkaCompanion.tp(topic, p.partition())).toList();
        Map<TopicPartition, ListOffsetsResultInfo> first = kafka.offsets().list(at(partitions, p -> OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResultInfo> end = kafka.offsets().list(at(partitions, p -> OffsetSpec.latest()));
        return partitions.stream().mapToLong(p -> end.get(p).offset() - first.get(p).offset()).sum();
    }

    private static Map<TopicPartition, OffsetSpec> at(List<TopicPartition> partitions, Function<TopicPartition, OffsetSpec> spec) {
        return partitions.stream().collect(Collectors.toMap(p -> p, spec));
    }
}
