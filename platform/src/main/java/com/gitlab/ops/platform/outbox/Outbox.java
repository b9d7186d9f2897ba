package com.gitlab.ops.platform.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.config.PlatformConfig;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.sql.SetBased;
import com.gitlab.ops.platform.time.Timestamps;
import com.gitlab.ops.platform.tracing.EventTracing;
import com.gitlab.ops.platform.tracing.TraceContext;
import com.gitlab.ops.platform.work.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records an event in the caller's transaction. It reaches Kafka only through {@link OutboxRelay},
 * after that transaction commits: a change and its event are never one without the other.
 */
@ApplicationScoped
public class Outbox {

    // Every event written is pending until the relay has published it; follows a statement's
    // "WITH outbox_written AS (INSERT INTO outbox_event ... RETURNING id)".
    private static final String PENDING = "INSERT INTO outbox_pending (id) SELECT id FROM outbox_written";

    private final EntityManager em;
    private final ObjectMapper mapper;
    private final AfterCommit afterCommit;
    private final OutboxRelay relay;
    private final String source;
    private final Clock clock;
    private final EventTracing tracing;

    public Outbox(EntityManager em, ObjectMapper mapper, AfterCommit afterCommit, OutboxRelay relay,
            PlatformConfig config, Clock clock, EventTracing tracing) {
        this.em = em;
        this.mapper = mapper;
        this.afterCommit = afterCommit;
        this.relay = relay;
        this.source = config.events().source();
        this.clock = clock;
        this.tracing = tracing;
    }

    /**
     * @param key  the message key: the project id as a decimal string where there is a project
     * @param data the event's {@code data}, serialized with the service's JSON conventions
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent publish(String topic, String key, String type, Object data) {
        OffsetDateTime now = Timestamps.now(clock); // an envelope says exactly what is stored
        UUID id = UUID.randomUUID();
        OutboxEvent event = new OutboxEvent();
        event.eventId = id;
        event.topic = topic;
        event.messageKey = key;
        event.eventType = type;
        event.envelope = envelope(id, type, now, data);
        event.createdAt = now;
        TraceContext trace = tracing.current();
        event.traceparent = trace.traceparent();
        event.tracestate = trace.tracestate();
        event.persist();
        em.createNativeQuery("INSERT INTO outbox_pending (id) VALUES (:id)").setParameter("id", event.id).executeUpdate();
        afterCommit.run(relay::wake);
        return event;
    }

    /** An event for {@link #publishEach}: its key, its data, and the trace context of the change that made it. */
    public record Outgoing(String key, Object data, TraceContext trace) {
    }

    /**
     * Records events of one type in one statement, in the caller's transaction, in the list's order:
     * a set-based change's events, each with its own key, data and trace context, as {@link #publish}
     * would record them one by one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publishEach(String topic, String type, List<Outgoing> events) {
        if (events.isEmpty()) {
            return;
        }
        OffsetDateTime now = Timestamps.now(clock);
        List<String[]> rows = events.stream().map(event -> {
            UUID id = UUID.randomUUID();
            return new String[] {id.toString(), event.key(), envelope(id, type, now, event.data()), event.trace().traceparent(),
                event.trace().tracestate()};
        }).toList();
        SetBased.run(em, """
                WITH outbox_written AS (
                    INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope, created_at, traceparent, tracestate)
                    SELECT e.id, ?, e.message_key, ?, e.envelope, ?, e.traceparent, e.tracestate
                    FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                         AS e (id, message_key, envelope, traceparent, tracestate, n)
                    ORDER BY e.n
                    RETURNING id)
                """ + PENDING, (connection, statement) -> {
                    statement.setString(1, topic);
                    statement.setString(2, type);
                    statement.setObject(3, now);
                    for (int column = 0; column < 5; column++) {
                        int c = column;
                        statement.setArray(4 + c, SetBased.column(connection, "text", rows, row -> row[c]));
                    }
                }, statement -> statement.executeUpdate());
        afterCommit.run(relay::wake);
    }

    private String envelope(UUID id, String type, OffsetDateTime now, Object data) {
        ObjectNode envelope = mapper.createObjectNode()
                .put("specversion", CloudEvent.SPEC_VERSION)
                .put("id", id.toString())
                .put("source", source)
                .put("type", type)
                .put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now))
                .put("datacontenttype", "application/json");
        envelope.set("data", mapper.valueToTree(data));
        return envelope.toString();
    }

    /**
     * Publishes one event per row of a query, in the caller's transaction, for set-based jobs that
     * write their changes with {@code INSERT ... SELECT}: the envelopes are built in the database,
     * the same as {@link #publish}'s. They store no trace context: a job's million events under one
     * request's span would be one trace of millions of spans; each is sent in a trace of its own.
     *
     * @param with       the statement's leading {@code WITH} clause (it may hold the job's own
     *                   data-modifying CTEs, which PostgreSQL allows only at the top level, any name but
     *                   {@code outbox_written}), or ""
     * @param rows       a query yielding {@code (message_key text, data json)} in publishing order
     * @param parameters the named parameters of {@code with} and {@code rows}
     * @return the number of events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int publishAll(String with, String topic, String type, String rows, Map<String, Object> parameters) {
        OffsetDateTime now = Timestamps.now(clock);
        Query insert = em.createNativeQuery((with.isBlank() ? "WITH" : with + ",") + "\n" + """
                outbox_written AS (
                    INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope, created_at)
                    SELECT e.id, :outbox_topic, e.message_key, :outbox_type,
                           json_build_object('specversion', :outbox_specversion, 'id', e.id, 'source', :outbox_source,
                                             'type', :outbox_type, 'time', :outbox_time,
                                             'datacontenttype', 'application/json', 'data', e.data)::text,
                           :outbox_created_at
                    FROM (SELECT gen_random_uuid() AS id, r.message_key, r.data FROM (%s) AS r (message_key, data)) AS e
                    RETURNING id)
                """.formatted(rows) + PENDING)
                .setParameter("outbox_topic", topic)
                .setParameter("outbox_type", type)
                .setParameter("outbox_specversion", CloudEvent.SPEC_VERSION)
                .setParameter("outbox_source", source)
                .setParameter("outbox_time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now))
                .setParameter("outbox_created_at", now);
        parameters.forEach(insert::setParameter);
        int written = insert.executeUpdate();
        if (written > 0) {
            afterCommit.run(relay::wake);
        }
        return written;
    }
}
