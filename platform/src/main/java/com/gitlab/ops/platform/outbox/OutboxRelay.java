package com.gitlab.ops.platform.outbox;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.work.PollingWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox events to Kafka in the order they were written, then marks them
 * published. At least once: a crash after the send and before the mark sends again, and consumers
 * de-duplicate by event id. One relay at a time per database (an advisory lock), so that order per
 * key holds with several instances running.
 *
 * <p>One worker thread relays as soon as a transaction that wrote outbox events commits
 * ({@link #wake()}), and every poll interval in any case, for events an earlier run left behind.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    // Any constant unique to this purpose; the lock is per database, so per service.
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private final EntityManager em;
    private final MutinyEmitter<byte[]> emitter;
    private final MeterRegistry registry;
    private final int batchSize;
    private final Duration sendTimeout;
    private final PollingWorker worker;

    public OutboxRelay(EntityManager em, @Channel("outbox") MutinyEmitter<byte[]> emitter, MeterRegistry registry,
            @ConfigProperty(name = "platform.outbox.batch-size", defaultValue = "200") int batchSize,
            @ConfigProperty(name = "platform.outbox.send-timeout", defaultValue = "PT30S") Duration sendTimeout,
            @ConfigProperty(name = "platform.outbox.poll-interval", defaultValue = "PT1S") Duration pollInterval) {
        this.em = em;
        this.emitter = emitter;
        this.registry = registry;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
        this.worker = new PollingWorker("outbox-relay", pollInterval, this::relayPending);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(sendTimeout);
    }

    /** Asks for a relay run now: called after a transaction with outbox events commits. */
    public void wake() {
        worker.wake();
    }

    void relayPending() {
        try {
            int sent;
            do {
                sent = QuarkusTransaction.requiringNew().call(this::relayBatch);
            } while (sent == batchSize);
        } catch (RuntimeException e) {
            // Left unpublished; the next run sends them again.
            registry.counter("outbox.relay.failures").increment();
            LOG.warnf("Outbox relay failed, will retry: %s", e.getMessage());
        }
    }

    /** Sends one batch and marks it published; the number sent. */
    int relayBatch() {
        Boolean locked = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(:lock)")
                .setParameter("lock", RELAY_LOCK).getSingleResult();
        if (!locked) {
            return 0;
        }
        List<OutboxEvent> batch = OutboxEvent.find("publishedAt is null order by id")
                .page(0, batchSize).list();
        if (batch.isEmpty()) {
            return 0;
        }
        List<Uni<Void>> sends = batch.stream().map(this::send).toList();
        Uni.join().all(sends).andFailFast().await().atMost(sendTimeout);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        batch.forEach(e -> e.publishedAt = now);
        registry.counter("outbox.published").increment(batch.size());
        return batch.size();
    }

    private Uni<Void> send(OutboxEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic)
                .withKey(event.messageKey)
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(event.envelope.getBytes(StandardCharsets.UTF_8)).addMetadata(metadata));
    }
}
