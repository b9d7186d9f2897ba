package com.gitlab.ops.platform.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.work.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records an event in the caller's transaction. It reaches Kafka only through {@link OutboxRelay},
 * after that transaction commits: a change and its event are never one without the other.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper mapper;
    private final AfterCommit afterCommit;
    private final OutboxRelay relay;
    private final String source;

    public Outbox(ObjectMapper mapper, AfterCommit afterCommit, OutboxRelay relay,
            @ConfigProperty(name = "platform.events.source") String source) {
        this.mapper = mapper;
        this.afterCommit = afterCommit;
        this.relay = relay;
        this.source = source;
    }

    /**
     * @param key  the message key: the project id as a decimal string where there is a project
     * @param data the event's {@code data}, serialized with the service's JSON conventions
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent publish(String topic, String key, String type, Object data) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        UUID id = UUID.randomUUID();
        ObjectNode envelope = mapper.createObjectNode()
                .put("specversion", CloudEvent.SPEC_VERSION)
                .put("id", id.toString())
                .put("source", source)
                .put("type", type)
                .put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now))
                .put("datacontenttype", "application/json");
        envelope.set("data", mapper.valueToTree(data));

        OutboxEvent event = new OutboxEvent();
        event.eventId = id;
        event.topic = topic;
        event.messageKey = key;
        event.eventType = type;
        event.envelope = envelope.toString();
        event.createdAt = now;
        event.persist();
        afterCommit.run(relay::wake);
        return event;
    }
}
