package com.gitlab.ops.platform.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.gitlab.ops.platform.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of events already applied, per topic. Claiming an id happens in the same transaction as
 * the event's effect, so a crash between the database commit and the Kafka offset commit makes the
 * redelivered event a no-op instead of a second effect.
 */
@ApplicationScoped
public class Inbox {

    private final EntityManager em;
    private final ObjectMapper mapper;

    public Inbox(EntityManager em, ObjectMapper mapper) {
        this.em = em;
        this.mapper = mapper;
    }

    /**
     * Claims events (a batch's, or one) in one statement.
     *
     * @return the ids seen for the first time; an id given twice is returned once
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> claimAll(String topic, List<CloudEvent> events) {
        ArrayNode rows = mapper.createArrayNode();
        events.forEach(event -> rows.addObject().put("id", event.id()).put("type", event.type()));
        @SuppressWarnings("unchecked")
        List<String> claimed = em.createNativeQuery("""
                        INSERT INTO inbox_event (topic, event_id, event_type)
                        SELECT :topic, e.id, e.type FROM json_to_recordset(CAST(:events AS json)) AS e(id text, type text)
                        ON CONFLICT DO NOTHING
                        RETURNING event_id""")
                .setParameter("topic", topic)
                .setParameter("events", rows.toString())
                .getResultList();
        return new HashSet<>(claimed);
    }
}
