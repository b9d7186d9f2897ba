package com.gitlab.ops.platform.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An event written with the change it describes, kept as it was sent. It waits for the relay while
 * its id is in {@code outbox_pending}.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "message_key")
    public String messageKey;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    /** The whole CloudEvents envelope, exactly as it goes to Kafka. */
    @Column(nullable = false)
    public String envelope;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The W3C trace context of the change that wrote the event (null where it was not traced). */
    public String traceparent;

    public String tracestate;
}
