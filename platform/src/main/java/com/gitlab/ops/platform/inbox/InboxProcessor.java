package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.config.PlatformConfig;
import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.error.DataExceptions;
import com.gitlab.ops.platform.error.Outages;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventEnvelopeParser;
import com.gitlab.ops.platform.event.InvalidEventException;
import com.gitlab.ops.platform.tracing.EventTracing;
import com.gitlab.ops.platform.work.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The one consumer pattern of every service: parse the envelope, pick the handler for its type, and
 * apply it exactly once (inbox claim and effect in one transaction), a polled batch at a time.
 *
 * <p>What can never apply is nacked with an {@link InvalidEventException}: the channel's
 * {@code dead-letter-queue} failure strategy then writes the record, key and value unchanged, to
 * {@code <topic>.dlq} with the exception's message as {@code dead-letter-reason}, and the partition
 * goes on.
 * An outage (the database, or another service it needs, cannot be reached: {@link Outages}) is not
 * the event's fault: the consumer waits it out, retrying with backoff for as long as it lasts, with
 * readiness DOWN meanwhile ({@link OutageTracker}), and dead-letters nothing for it. Anything else (a
 * deadlock, a bug) is retried with backoff up to {@code platform.events.retry.max-attempts}, then
 * dead-lettered with the cause, so that it is never silent.
 */
@ApplicationScoped
public class InboxProcessor {

    private static final Logger LOG = Logger.getLogger(InboxProcessor.class);

    private final EventEnvelopeParser parser;
    private final Inbox inbox;
    private final EntityManager em;
    private final MeterRegistry registry;
    private final OutageTracker outages;
    private final DatabaseProbe database;
    private final EventTracing tracing;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration outageMaxBackoff;

    public InboxProcessor(EventEnvelopeParser parser, Inbox inbox, EntityManager em, MeterRegistry registry, OutageTracker outages,
            DatabaseProbe database, EventTracing tracing, PlatformConfig config) {
        this.parser = parser;
        this.inbox = inbox;
        this.em = em;
        this.registry = registry;
        this.outages = outages;
        this.database = database;
        this.tracing = tracing;
        this.maxAttempts = config.events().retry().maxAttempts();
        this.initialBackoff = config.events().retry().initialBackoff();
        this.maxBackoff = config.events().retry().maxBackoff();
        Duration outageMaxBackoff = config.events().outage().maxBackoff();
        this.outageMaxBackoff = outageMaxBackoff.compareTo(maxBackoff) < 0 ? outageMaxBackoff : maxBackoff;
    }

    /**
     * Applies a polled batch: every valid event of it, in order, in one transaction, which is what
     * makes a busy topic fast (one commit for hundreds of events instead of one each), and a type's
     * {@link BatchEventHandler} applies its runs set-based (a statement for many events). Invalid events
     * are dead-lettered one by one as always. If the batch's transaction fails, for a bad reference in
     * one event or a passing fault, the batch is applied again event by event, each with its own
     * retries, so that one bad event never takes good ones down with it. The records are acked only
     * after their dead letters are written. Each event has its own span, current while it is
     * prepared and applied so that its SQL is traced under it, from its poll to the commit that
     * applied it (the batch's, or its own when applied one by one) or its dead letter; a set-based
     * run's statements and calls serve many events and are traced under the run's first event's.
     */
    public CompletionStage<Void> processBatch(KafkaRecordBatch<String, byte[]> batch, Map<String, EventHandler> handlers) {
        List<KafkaRecord<String, byte[]>> records = batch.getRecords();
        if (records.isEmpty()) {
            return batch.ack();
        }
        String topic = records.get(0).getTopic();
        Timer.Sample sample = Timer.start(registry);
        List<CompletionStage<Void>> deadLetters = new ArrayList<>();
        List<Routed> valid = new ArrayList<>(records.size());
        try {
            for (KafkaRecord<String, byte[]> record : records) {
                route(topic, record, handlers, valid, deadLetters);
            }
            boolean allPrepared = prepareAll(valid, deadLetters);
            if (allPrepared) {
                applyTogetherWaitingOutOutages(topic, valid);
            } else if (!applyOneByOne(topic, valid, deadLetters)) {
                return shuttingDown(topic);
            }
        } catch (WaitInterrupted e) {
            return shuttingDown(topic);
        } catch (RuntimeException e) {
            LOG.logf(level(e), "Batch of %d events on %s failed as a whole (%s); applying them one by one", valid.size(), topic, Causes.describe(e));
            registry.counter("events.batches.split", "topic", topic).increment();
            if (!applyOneByOne(topic, valid, deadLetters)) {
                return shuttingDown(topic);
            }
        } finally {
            sample.stop(registry.timer("events.batch.processing", "topic", topic));
            valid.forEach(routed -> EventTracing.end(routed.span()));
        }
        // Whatever came of it, the batch is through: the database and the services it needed answered.
        outages.over(topic);
        return CompletableFuture.allOf(deadLetters.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
                .thenCompose(done -> batch.ack());
    }

    /**
     * Prepares each valid event outside any transaction ({@link EventHandler#prepare}; a
     * {@link BatchEventHandler}'s runs together, else one at a time). One that can
     * never apply is dead-lettered and left out; one whose preparation failed is left unprepared, to
     * be retried (or its outage waited out) on its own.
     *
     * @return whether every event left is prepared
     */
    private boolean prepareAll(List<Routed> valid, List<CompletionStage<Void>> deadLetters) {
        for (int start = 0; start < valid.size(); ) {
            EventHandler handler = valid.get(start).handler();
            int end = start + 1;
            if (handler instanceof BatchEventHandler batchHandler) {
                while (end < valid.size() && valid.get(end).handler() == handler) {
                    end++;
                }
                if (prepareRun(batchHandler, valid.subList(start, end))) {
                    start = end;
                    continue;
                }
            }
            for (int i = start; i < end; ) {
                Routed routed = valid.get(i);
                try (Scope scope = EventTracing.activate(routed.span())) {
                    EventHandler prepared = routed.handler().prepare(routed.event());
                    valid.set(i++, routed.prepared(prepared)); // i moves on only once prepare() returned
                } catch (InvalidEventException e) {
                    deadLetters.add(deadLetter(routed.record(), routed.span(), e));
                    routed.span().end();
                    valid.remove(i);
                    end--;
                } catch (RuntimeException e) {
                    EventTracing.failed(routed.span(), e);
                    // The rest stay unprepared too: asking a service that just failed again for each of
                    // them would cost its timeout each; one by one, each waits the failure out.
                    LOG.logf(level(e), "Preparing event %s failed (%s); the batch is applied one by one", routed.event().id(), Causes.describe(e));
                    return false;
                }
            }
            start = end;
        }
        return true;
    }

    /**
     * A run of one type's events prepared together by its handler (traced under the run's first
     * event's span). @return false if that failed: the run is then prepared one event at a time
     */
    private boolean prepareRun(BatchEventHandler handler, List<Routed> run) {
        List<EventHandler> prepared;
        try (Scope scope = EventTracing.activate(run.get(0).span())) {
            prepared = handler.prepareAll(run.stream().map(Routed::event).toList());
        } catch (RuntimeException e) {
            LOG.logf(level(e), "Preparing %d events of %s together failed (%s); preparing them one by one", run.size(), run.get(0).event().type(),
                    Causes.describe(e));
            return false;
        }
        if (prepared.size() != run.size()) {
            throw new IllegalStateException(handler.getClass().getName() + ".prepareAll gave " + prepared.size() + " handlers for "
                    + run.size() + " events");
        }
        for (int i = 0; i < run.size(); i++) {
            run.set(i, run.get(i).prepared(prepared.get(i)));
        }
        return true;
    }

    /**
     * How loud a batch's fall-back to one event at a time is: a bad event's is expected (it is
     * dead-lettered with its reason anyway), any other cause costs the set-based path and says why.
     */
    private static Logger.Level level(RuntimeException e) {
        return Causes.find(e, InvalidEventException.class).isPresent() ? Logger.Level.DEBUG : Logger.Level.INFO;
    }

    /** Each event in its own transaction, with its own retries. @return false if interrupted: the service stops */
    private boolean applyOneByOne(String topic, List<Routed> valid, List<CompletionStage<Void>> deadLetters) {
        for (Routed routed : valid) {
            try {
                consumed(topic, applyWithRetries(topic, routed) ? "applied" : "duplicate", 1);
            } catch (InvalidEventException invalid) {
                deadLetters.add(deadLetter(routed.record(), routed.span(), invalid));
            } catch (WaitInterrupted interrupted) {
                return false;
            }
            EventTracing.end(routed.span());
        }
        return true;
    }

    /**
     * The service stops while waiting out an outage: the batch is neither acked nor nacked (a nack
     * would dead-letter good events), so its offsets are not committed and it comes again after the
     * restart. Dead letters already written for invalid events are written; the inbox skips their
     * good neighbours' ids if they were applied.
     */
    private CompletionStage<Void> shuttingDown(String topic) {
        LOG.infof("Stopping while events on %s wait out an outage: the batch is left to be delivered again", topic);
        return new CompletableFuture<>();
    }

    /** The batch as a whole, again and again while an outage lasts; any other failure is the caller's to split. */
    private void applyTogetherWaitingOutOutages(String topic, List<Routed> valid) {
        for (int outage = 1; ; outage++) {
            try {
                applyTogether(topic, valid);
                outages.over(topic);
                return;
            } catch (RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                waitOut(topic, outage, e);
            }
        }
    }

    /**
     * An outage, confirmed: a failure that looks like the database's is one only if the database,
     * asked on a connection of its own, does not answer either.
     */
    private boolean isOutage(RuntimeException e) {
        return Outages.isOutage(e) && !(Outages.fromDatabase(e) && database.answers());
    }

    private void waitOut(String topic, int attempt, RuntimeException e) {
        outages.waiting(topic, Causes.describe(e), Outages.fromDatabase(e));
        // Tried every few seconds however long it lasts: the service is ready again within seconds of the part's return.
        Duration backoff = Backoff.after(attempt, initialBackoff, outageMaxBackoff);
        LOG.warnf("Events on %s wait out an outage (attempt %d), again in %s: %s", topic, attempt, backoff, Causes.describe(e));
        registry.counter("events.retried", "topic", topic).increment();
        if (Outages.fromDatabase(e)) {
            if (pauseUntilTheDatabaseAnswers(backoff)) {
                // Ready again as soon as the database answers, not once the retried batch commits: a
                // batch of hundreds of events, or one waiting for another instance's copy of it after
                // a rebalance, kept readiness DOWN for 10 to 30 s after the database was back.
                outages.over(topic);
            }
        } else {
            pause(backoff);
        }
    }

    /**
     * Waits out the backoff, but asks the database every second meanwhile and stops waiting as soon
     * as it answers: a try costs a pool timeout and the probe, so a wait of whole backoffs could keep
     * the service unready for ten seconds and more after the database is back.
     *
     * @return whether the database answered
     */
    private boolean pauseUntilTheDatabaseAnswers(Duration backoff) {
        long deadline = System.nanoTime() + backoff.toNanos();
        for (long left = backoff.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            pause(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
            if (database.answers()) {
                return true;
            }
        }
        return false;
    }

    private void applyTogether(String topic, List<Routed> valid) {
        if (valid.isEmpty()) {
            return;
        }
        int applied = QuarkusTransaction.requiringNew().call(() -> {
            Set<String> firstSeen = inbox.claimAll(topic, valid.stream().map(Routed::event).toList());
            List<Routed> fresh = new ArrayList<>(firstSeen.size());
            for (Routed routed : valid) {
                // remove: an id repeated inside the batch applies once, at its first place.
                if (firstSeen.remove(routed.event().id())) {
                    fresh.add(routed);
                }
            }
            for (int start = 0, end; start < fresh.size(); start = end) {
                EventHandler handler = fresh.get(start).handler();
                end = start + 1;
                if (handler instanceof BatchEventHandler batchHandler) {
                    while (end < fresh.size() && fresh.get(end).handler() == handler) {
                        end++;
                    }
                    applyRun(batchHandler, fresh.subList(start, end));
                } else {
                    applyInBatch(fresh.get(start));
                }
            }
            return fresh.size();
        });
        consumed(topic, "applied", applied);
        consumed(topic, "duplicate", valid.size() - applied);
    }

    /**
     * A run of one type's events, set-based by its handler, then what it left one at a time. The
     * set-based statements serve many events and are traced under the run's first event's span.
     */
    private void applyRun(BatchEventHandler handler, List<Routed> run) {
        Map<PreparedEvent, Routed> routedBy = new IdentityHashMap<>(run.size() * 2);
        List<PreparedEvent> events = new ArrayList<>(run.size());
        for (Routed routed : run) {
            PreparedEvent event = new PreparedEvent(routed.event(), routed.prepared(), tracing.of(routed.span()));
            routedBy.put(event, routed);
            events.add(event);
        }
        List<PreparedEvent> left;
        try (Scope scope = EventTracing.activate(run.get(0).span())) {
            left = handler.handleAll(events);
            em.flush();
            em.clear();
        } catch (RuntimeException e) {
            EventTracing.failed(run.get(0).span(), e);
            throw e;
        }
        registry.counter("events.applied.set.based", "topic", run.get(0).record().getTopic()).increment(run.size() - left.size());
        for (PreparedEvent event : left) {
            Routed routed = routedBy.get(event);
            if (routed == null) {
                throw new IllegalStateException(handler.getClass().getName() + ".handleAll left an event it was not given: " + event.event().id());
            }
            applyInBatch(routed);
        }
    }

    private void applyInBatch(Routed routed) {
        try (Scope scope = EventTracing.activate(routed.span())) {
            routed.prepared().handle(routed.event());
            // One event's entities at a time: every query auto-flushes, and a flush
            // dirty-checks all managed entities, so a whole batch's would cost O(n²).
            em.flush();
            em.clear();
        } catch (RuntimeException e) {
            EventTracing.failed(routed.span(), e);
            throw e;
        }
    }

    /** Parses a record and picks its handler, adding it to {@code valid}, or dead-letters it. */
    private void route(String topic, KafkaRecord<String, byte[]> record, Map<String, EventHandler> handlers, List<Routed> valid,
            List<CompletionStage<Void>> deadLetters) {
        CloudEvent event = null;
        Span span = null;
        try {
            event = parser.parse(record.getHeaders(), record.getPayload());
            span = startSpan(topic, record, event);
            EventHandler handler = handlers.get(event.type());
            if (handler == null) {
                throw new InvalidEventException("event type '" + event.type() + "' is not accepted on topic '" + topic
                        + "'; expected " + String.join(" or ", handlers.keySet().stream().sorted().toList()));
            }
            valid.add(new Routed(record, event, handler, null, span));
        } catch (InvalidEventException e) {
            // A record that is not an event is traced too: its producer's trace shows where it ended.
            Span failed = span != null ? span : startSpan(topic, record, null);
            deadLetters.add(deadLetter(record, failed, e));
            failed.end();
        }
    }

    private Span startSpan(String topic, KafkaRecord<String, byte[]> record, CloudEvent event) {
        IncomingKafkaRecordMetadata<?, ?> metadata = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        return tracing.startProcessing(topic, metadata.getPartition(), metadata.getOffset(), record.getKey(), record.getHeaders(), event);
    }

    private void consumed(String topic, String outcome, int events) {
        registry.counter("events.consumed", "topic", topic, "outcome", outcome).increment(events);
    }

    private CompletionStage<Void> deadLetter(KafkaRecord<?, ?> message, Span span, InvalidEventException e) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        EventTracing.deadLettered(span, e.getMessage());
        registry.counter("events.dead.lettered", "topic", record.getTopic()).increment();
        consumed(record.getTopic(), "dead_lettered", 1);
        try (Scope scope = EventTracing.activate(span)) { // the log line names the event's trace
            LOG.warnf("Dead-lettering %s-%d@%d: %s", record.getTopic(), record.getPartition(), record.getOffset(), e.getMessage());
        }
        return message.nack(e);
    }

    /**
     * A valid event of a batch, the handler for its type, once {@link EventHandler#prepare}
     * succeeded the handler it gave (null until then), and its span.
     */
    private record Routed(KafkaRecord<String, byte[]> record, CloudEvent event, EventHandler handler, EventHandler prepared, Span span) {

        Routed prepared(EventHandler prepared) {
            return new Routed(record, event, handler, prepared, span);
        }
    }

    private boolean applyWithRetries(String topic, Routed routed) {
        CloudEvent event = routed.event();
        EventHandler handler = routed.handler();
        EventHandler prepared = routed.prepared();
        int outage = 0;
        for (int attempt = 1; ; attempt++) {
            try (Scope scope = EventTracing.activate(routed.span())) {
                if (prepared == null) {
                    prepared = handler.prepare(event); // outside the transaction, as in the batch
                }
                EventHandler apply = prepared;
                boolean applied = QuarkusTransaction.requiringNew().call(() -> {
                    if (inbox.claimAll(topic, List.of(event)).isEmpty()) {
                        return false;
                    }
                    apply.handle(event);
                    return true;
                });
                outages.over(topic);
                return applied;
            } catch (InvalidEventException e) {
                throw e;
            } catch (RuntimeException e) {
                EventTracing.failed(routed.span(), e);
                // The transaction wrapper may wrap what the handler threw.
                Optional<InvalidEventException> invalid = Causes.find(e, InvalidEventException.class);
                if (invalid.isPresent()) {
                    throw invalid.get();
                }
                // The database refused a value of the event itself: retrying cannot help.
                Optional<String> badValue = DataExceptions.describe(e);
                if (badValue.isPresent()) {
                    throw new InvalidEventException(badValue.get());
                }
                if (isOutage(e)) {
                    // Not the event's fault, and not one of its attempts: wait for as long as it lasts.
                    attempt--;
                    try (Scope scope = EventTracing.activate(routed.span())) {
                        waitOut(topic, ++outage, e);
                    }
                    continue;
                }
                outage = 0;
                outages.over(topic);
                if (attempt >= maxAttempts) {
                    String reason = "processing failed " + attempt + " times; last error: " + Causes.describe(e);
                    try (Scope scope = EventTracing.activate(routed.span())) {
                        recordFailure(event, handler, reason);
                    }
                    throw new InvalidEventException(reason);
                }
                Duration backoff = Backoff.after(attempt, initialBackoff, maxBackoff);
                try (Scope scope = EventTracing.activate(routed.span())) {
                    LOG.warnf("Event %s on %s failed (attempt %d of %d), retrying in %s: %s",
                            event.id(), topic, attempt, maxAttempts, backoff, Causes.describe(e));
                }
                registry.counter("events.retried", "topic", topic).increment();
                pause(backoff);
            }
        }
    }

    private static void recordFailure(CloudEvent event, EventHandler handler, String reason) {
        try {
            QuarkusTransaction.requiringNew().run(() -> handler.failed(event, reason));
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the failure of event %s: %s", event.id(), Causes.describe(e));
        }
    }



    private static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaitInterrupted();
        }
    }

    /** The wait before a retry was interrupted: the service is stopping. */
    private static final class WaitInterrupted extends RuntimeException {
        WaitInterrupted() {
            super("interrupted while waiting to retry", null, false, false);
        }
    }
}
