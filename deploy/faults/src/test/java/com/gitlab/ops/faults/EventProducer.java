package com.gitlab.ops.faults;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

    /** Sends the events due so far every 10 ms, so that event n goes out at n/events of the flow. */
    void send(Workload workload, int events, Duration flow) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            int[] next = {0};
            ticker.scheduleAtFixedRate(() -> {
                try {
                    long due = Math.min(events, events * (System.nanoTime() - start) / flow.toNanos());
                    for (; next[0] < due && failure.get() == null; next[0]++) {
                        producer.send(workload.event().apply(next[0]), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
                    }
                    if (next[0] == events || failure.get() != null) {
                        sent.complete(null);
                    }
                } catch (RuntimeException e) {
                    sent.completeExceptionally(e);
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            sent.get(flow.toSeconds() + 600, TimeUnit.SECONDS);
            ticker.shutdown();
            producer.flush();
        } finally {
            ticker.shutdownNow();
        }
        if (failure.get() != null || acked.get() != events) {
            throw new IllegalStateException(workload.topic() + ": " + acked.get() + " of " + events + " events acknowledged", failure.get());
        }
    }
}
