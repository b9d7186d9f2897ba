package com.gitlab.ops.faults;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a workload's events at an even pace over the flow. The producer waits out a broker restart
 * (idempotent, acks from all replicas, long delivery timeout), so that what the services receive is
 * every event once, and any event it fails to send fails the suite.
 */
final class EventProducer {

    private final Properties props = new Properties();

    EventProducer(String bootstrapServers) {
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(5).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(5).toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    }

    void send(Workload workload, int events, Duration flow) throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int n = 0; n < events && failure.get() == null; n++) {
                // The load's pace: event n is due at n/events of the flow.
                long ahead = start + flow.toNanos() * n / events - System.nanoTime();
                if (ahead > TimeUnit.MILLISECONDS.toNanos(5)) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
                producer.send(workload.event().apply(n), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null || acked.get() != events) {
            throw new IllegalStateException(workload.topic() + ": " + acked.get() + " of " + events + " events acknowledged", failure.get());
        }
    }
}
