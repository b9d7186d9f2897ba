package com.gitlab.ops.incident.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.retention.RetentionCleanup;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The platform's clean-up of the inbox and the outbox, on the real database. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class RetentionCleanupTest {

    @Inject
    RetentionCleanup cleanup;

    @Inject
    EntityManager em;

    @Test
    void oldProcessedIdsAndOldPublishedEventsGo_unpublishedOnesStayWhateverTheirAge() {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        UUID oldPublished = UUID.randomUUID();
        UUID oldUnpublished = UUID.randomUUID();
        UUID recentPublished = UUID.randomUUID();
        KafkaBroker.shared().createTopics(List.of("retention-test"));
        QuarkusTransaction.requiringNew().run(() -> {
            inbox(old, "40 days");
            inbox(recent, "1 day");
            outbox(oldPublished, "40 days", true);
            outbox(oldUnpublished, "40 days", false);
            outbox(recentPublished, "1 day", true);
        });

        assertTrue(cleanup.deleteExpired() >= 2);

        assertEquals(List.of(recent), QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT event_id FROM inbox_event WHERE event_id IN (:ids)", String.class).setParameter("ids", List.of(old, recent)).getResultList()));
        assertEquals(2L, QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_id IN (:ids)").setParameter("ids", List.of(oldPublished, oldUnpublished, recentPublished))
                .getSingleResult()).longValue()));
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_id = :id").setParameter("id", oldPublished).getSingleResult()).longValue()));
    }

    private void inbox(String id, String age) {
        em.createNativeQuery("INSERT INTO inbox_event (topic, event_id, event_type, processed_at) VALUES ('alerts', :id, 'alert.updated', now() - CAST(:age AS interval))")
                .setParameter("id", id).setParameter("age", age).executeUpdate();
    }

    private void outbox(UUID id, String age, boolean published) {
        // The relay may publish the unpublished one meanwhile (its published_at is then now): either
        // way the clean-up must keep it.
        em.createNativeQuery("""
                        INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope, created_at, published_at)
                        VALUES (:id, 'retention-test', '1', 'test', '{}', now() - CAST(:age AS interval),
                                CASE WHEN :published THEN now() - CAST(:age AS interval) END)""")
                .setParameter("id", id).setParameter("age", age).setParameter("published", published).executeUpdate();
    }
}
