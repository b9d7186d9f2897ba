package com.gitlab.ops.platform.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The ids of events already applied, per topic. Claiming an id happens in the same transaction as
 * the event's effect, so a crash between the database commit and the Kafka offset commit makes the
 * redelivered event a no-op instead of a second effect.
 */
@ApplicationScoped
public class Inbox {

    private final EntityManager em;

    public Inbox(EntityManager em) {
        this.em = em;
    }

    /** True when this is the first time the event is seen; false for a duplicate. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean claim(String topic, String eventId, String eventType) {
        return em.createNativeQuery("""
                        INSERT INTO inbox_event (topic, event_id, event_type)
                        VALUES (:topic, :eventId, :eventType)
                        ON CONFLICT DO NOTHING""")
                .setParameter("topic", topic)
                .setParameter("eventId", eventId)
                .setParameter("eventType", eventType)
                .executeUpdate() == 1;
    }
}
