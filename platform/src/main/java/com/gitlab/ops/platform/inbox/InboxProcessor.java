package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventEnvelopeParser;
import com.gitlab.ops.platform.event.InvalidEventException;
import com.gitlab.ops.platform.work.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one consumer pattern of every service: parse the envelope, pick the handler for its type, and
 * apply it exactly once (inbox claim and effect in one transaction).
 *
 * <p>What can never apply is nacked with an {@link InvalidEventException}: the channel's
 * {@code dead-letter-queue} failure strategy then writes the record, key and value unchanged, to
 * {@code <topic>.dlq} with the exception's message as {@code dead-letter-reason}, and the partition
 * goes on.
 * Anything else (the database is down, a deadlock) is retried with backoff, because dead-lettering
 * a good event for a passing fault would lose it; after the last attempt it is dead-lettered with
 * the cause, so that it is never silent.
 */
@ApplicationScoped
public class InboxProcessor {

    private static final Logger LOG = Logger.getLogger(InboxProcessor.class);

    private final EventEnvelopeParser parser;
    private final Inbox inbox;
    private final MeterRegistry registry;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    public InboxProcessor(EventEnvelopeParser parser, Inbox inbox, MeterRegistry registry,
            @ConfigProperty(name = "platform.events.retry.max-attempts", defaultValue = "10") int maxAttempts,
            @ConfigProperty(name = "platform.events.retry.initial-backoff", defaultValue = "PT0.2S") Duration initialBackoff,
            @ConfigProperty(name = "platform.events.retry.max-backoff", defaultValue = "PT30S") Duration maxBackoff) {
        this.parser = parser;
        this.inbox = inbox;
        this.registry = registry;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Applies the message with the handler registered for its event type; the returned stage acks it,
     * or nacks it to the dead-letter topic with the reason.
     */
    public CompletionStage<Void> process(Message<byte[]> message, Map<String, EventHandler> handlers) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka message"));
        String topic = record.getTopic();
        Timer.Sample sample = Timer.start(registry);
        String outcome = "dead_lettered";
        try {
            CloudEvent event = parser.parse(message.getPayload());
            EventHandler handler = handlers.get(event.type());
            if (handler == null) {
                throw new InvalidEventException("event type '" + event.type() + "' is not accepted on topic '" + topic
                        + "'; expected " + String.join(" or ", handlers.keySet().stream().sorted().toList()));
            }
            outcome = applyWithRetries(topic, event, handler) ? "applied" : "duplicate";
            return message.ack();
        } catch (InvalidEventException e) {
            registry.counter("events.dead.lettered", "topic", topic).increment();
            LOG.warnf("Dead-lettering %s-%d@%d: %s", topic, record.getPartition(), record.getOffset(), e.getMessage());
            return message.nack(e);
        } finally {
            registry.counter("events.consumed", "topic", topic, "outcome", outcome).increment();
            sample.stop(registry.timer("events.processing", "topic", topic));
        }
    }

    private boolean applyWithRetries(String topic, CloudEvent event, EventHandler handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> {
                    if (!inbox.claim(topic, event.id(), event.type())) {
                        return false;
                    }
                    handler.handle(event);
                    return true;
                });
            } catch (InvalidEventException e) {
                throw e;
            } catch (RuntimeException e) {
                InvalidEventException invalid = findInvalid(e);
                if (invalid != null) {
                    throw invalid;
                }
                // The database refused a value of the event itself: retrying cannot help.
                java.util.Optional<String> badValue = com.gitlab.ops.platform.error.DataExceptions.describe(e);
                if (badValue.isPresent()) {
                    throw new InvalidEventException(badValue.get());
                }
                if (attempt >= maxAttempts) {
                    String reason = "processing failed " + attempt + " times; last error: " + describe(e);
                    recordFailure(event, handler, reason);
                    throw new InvalidEventException(reason);
                }
                Duration backoff = Backoff.after(attempt, initialBackoff, maxBackoff);
                LOG.warnf("Event %s on %s failed (attempt %d of %d), retrying in %s: %s",
                        event.id(), topic, attempt, maxAttempts, backoff, describe(e));
                registry.counter("events.retried", "topic", topic).increment();
                pause(backoff);
            }
        }
    }

    private static void recordFailure(CloudEvent event, EventHandler handler, String reason) {
        try {
            QuarkusTransaction.requiringNew().run(() -> handler.failed(event, reason));
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the failure of event %s: %s", event.id(), describe(e));
        }
    }

    // The transaction wrapper may wrap what the handler threw.
    private static InvalidEventException findInvalid(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return invalid;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
