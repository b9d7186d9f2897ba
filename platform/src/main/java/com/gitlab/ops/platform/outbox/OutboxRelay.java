package com.gitlab.ops.platform.outbox;

import com.gitlab.ops.platform.config.PlatformConfig;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.tracing.EventTracing;
import com.gitlab.ops.platform.tracing.TraceContext;
import com.gitlab.ops.platform.work.PollingWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.hibernate.jpa.HibernateHints;
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
    /**
     * The advisory lock a relay holds while it relays (any constant unique to this purpose; the
     * lock is per database, so per service). Whoever else holds it pauses the relay.
     */
    public static final long RELAY_LOCK = 0x6f7574626f78L;
    // The outgoing channel whose producer and settings (mp.messaging.outgoing.outbox.*) the relay sends with.
    private static final String CHANNEL = "outbox";

    private final EntityManager em;
    private final KafkaClientService kafka;
    private final MeterRegistry registry;
    private final int batchSize;
    private final Duration sendTimeout;
    private final PollingWorker worker;
    private final Optional<Integer> haltAfterSend;
    private final AtomicInteger batchesSent = new AtomicInteger();
    private final EventTracing tracing;

    /**
     * @param upstream not sent with: it makes the relay the channel's upstream, so that the channel
     *                 and its producer are wired as SmallRye expects (an outgoing channel without one
     *                 is reported at every start, SRMSG00207)
     */
    public OutboxRelay(EntityManager em, KafkaClientService kafka, @Channel(CHANNEL) Emitter<byte[]> upstream, MeterRegistry registry,
            PlatformConfig config, EventTracing tracing) {
        this.em = em;
        this.tracing = tracing;
        this.kafka = kafka;
        this.registry = registry;
        this.batchSize = config.outbox().batchSize();
        this.sendTimeout = config.outbox().sendTimeout();
        this.haltAfterSend = config.outbox().fault().haltAfterSend();
        this.worker = new PollingWorker("outbox-relay", config.outbox().pollInterval(), this::relayPending);
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
            // Each run starts from the oldest unpublished event, so that one committed late with a
            // lower id is not skipped; within a run, each batch starts after the last one, so that
            // the index entries of events just published (dead, but not yet cleaned up) are not
            // walked again and again while a busy outbox drains.
            long after = 0;
            long last;
            do {
                long from = after;
                last = QuarkusTransaction.requiringNew().call(() -> relayBatch(from));
                after = last;
            } while (last > 0);
        } catch (RuntimeException e) {
            // Left unpublished; the next run sends them again.
            registry.counter("outbox.relay.failures").increment();
            LOG.warnf("Outbox relay failed, will retry: %s", e.getMessage());
        }
    }

    /**
     * Sends one batch of the events after {@code after} and marks it published.
     *
     * @return the id of the last event of a full batch, or 0 when there are no more for now
     */
    long relayBatch(long after) {
        Boolean locked = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(:lock)")
                .setParameter("lock", RELAY_LOCK).getSingleResult();
        if (!locked) {
            return 0;
        }
        // Each statement planned for the outbox as it is now: a plan the driver cached while the
        // outbox was empty (a sequential scan and a sort, the cheapest then) would stay in use
        // through a burst such as a repair job's million events and read the whole backlog for
        // every batch: the relay fell to 1,000 events a second and took a core from the job.
        em.createNativeQuery("SET LOCAL plan_cache_mode = force_custom_plan").executeUpdate();
        // Read-only: the batch is marked published by one DELETE of its pending rows, so Hibernate
        // need not keep copies of a thousand envelopes to dirty-check.
        @SuppressWarnings("unchecked")
        List<OutboxEvent> batch = em.createNativeQuery("""
                        SELECT e.* FROM (SELECT id FROM outbox_pending WHERE id > :after ORDER BY id LIMIT :batch) AS p
                        JOIN outbox_event e ON e.id = p.id
                        ORDER BY e.id""", OutboxEvent.class)
                .setParameter("after", after)
                .setParameter("batch", batchSize)
                .setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultList();
        if (batch.isEmpty()) {
            return 0;
        }
        Producer<String, byte[]> producer = kafka.<String, byte[]>getProducer(CHANNEL).unwrap();
        List<CompletableFuture<Void>> sends = batch.stream().map(event -> send(producer, event)).toList();
        awaitAll(sends);
        haltIfAsked(batch.size());
        // One statement for the batch: a busy outbox (a repair job's million events) is marked as
        // fast as it is sent. The events themselves stay as they were written, for the retention.
        em.createNativeQuery("DELETE FROM outbox_pending WHERE id IN (:ids)")
                .setParameter("ids", batch.stream().map(e -> e.id).toList())
                .executeUpdate();
        registry.counter("outbox.published").increment(batch.size());
        return batch.size() == batchSize ? batch.get(batch.size() - 1).id : 0;
    }

    /** Waits for every send of a batch; any failure, or the send timeout, fails the batch. */
    private void awaitAll(List<CompletableFuture<Void>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending outbox events", e);
        } catch (ExecutionException | TimeoutException e) {
            sends.forEach(send -> send.cancel(false)); // ends the spans of those not confirmed
            throw new IllegalStateException(e instanceof TimeoutException
                    ? "the broker did not confirm a batch within " + sendTimeout
                    : "not sent: " + e.getCause().getMessage(), e);
        }
    }

    /**
     * The fault-injection suite's fault point, unset in production: the process dies as SIGKILL
     * would, after the Nth batch is sent and before it is marked, so that the batch is sent again.
     */
    private void haltIfAsked(int events) {
        if (haltAfterSend.isPresent() && batchesSent.incrementAndGet() == haltAfterSend.get()) {
            LOG.errorf("Fault point platform.outbox.fault.halt-after-send=%d: halting after sending %d events, before marking them",
                    haltAfterSend.get(), events);
            Runtime.getRuntime().halt(137);
        }
    }

    /**
     * Sends one event in the trace of the change that wrote it, on the outbox channel's own Kafka
     * producer: a callback per event, where the channel's emitter cost a message, its metadata, a
     * chain of Unis and a capture of the thread's context for each (most of the relay's CPU, taken
     * from a repair job running beside it). Its span starts when the send does and ends when the
     * broker has the record, or when the relay stops waiting for it (a failed neighbour, the send
     * timeout: the producer may still deliver it, and the next run sends it again).
     */
    private CompletableFuture<Void> send(Producer<String, byte[]> producer, OutboxEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        Span span = tracing.startPublishing(event.topic, event.messageKey, event.eventId.toString(), event.eventType,
                new TraceContext(event.traceparent, event.tracestate), headers);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        sent.whenComplete((ignored, failure) -> {
            if (failure instanceof CancellationException) {
                span.setStatus(StatusCode.ERROR, "not confirmed by the broker before the relay stopped waiting");
            } else if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, "not sent: " + failure.getMessage());
            }
            span.end();
        });
        try {
            producer.send(new ProducerRecord<>(event.topic, null, event.messageKey, event.envelope.getBytes(StandardCharsets.UTF_8), headers),
                    (metadata, failure) -> {
                        if (failure != null) {
                            sent.completeExceptionally(failure);
                        } else {
                            sent.complete(null);
                        }
                    });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }
}
