package com.gitlab.ops.incident.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.outbox.OutboxRelay;
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
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
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

    @Inject
    DataSource dataSource;

    @Test
    void oldProcessedIdsAndOldPublishedEventsGo_unpublishedOnesStayWhateverTheirAge() throws Exception {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        UUID oldPublished = UUID.randomUUID();
        UUID oldUnpublished = UUID.randomUUID();
        UUID recentPublished = UUID.randomUUID();
        KafkaBroker.shared().createTopics(List.of("retention-test"));
        // The relay held back, as it would be by a broker away: the old unpublished event stays
        // unpublished while the clean-up runs.
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + OutboxRelay.RELAY_LOCK + ")");
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    inbox(old, "40 days");
                    inbox(recent, "1 day");
                    outbox(oldPublished, "40 days", true);
                    outbox(oldUnpublished, "40 days", false);
                    outbox(recentPublished, "1 day", true);
                });

                assertTrue(cleanup.deleteExpired() >= 2);
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + OutboxRelay.RELAY_LOCK + ")");
            }
        }
        assertEquals(List.of(recent), QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT event_id FROM inbox_event WHERE event_id IN (:ids)", String.class).setParameter("ids", List.of(old, recent)).getResultList()));
        assertEquals(List.of(oldUnpublished, recentPublished), QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT event_id FROM outbox_event WHERE event_id IN (:ids) ORDER BY id", UUID.class)
                .setParameter("ids", List.of(oldPublished, oldUnpublished, recentPublished)).getResultList()));
    }

    private void inbox(String id, String age) {
        em.createNativeQuery("INSERT INTO inbox_event (topic, event_id, event_type, processed_at) VALUES ('alerts', :id, 'alert.updated', now() - CAST(:age AS interval))")
                .setParameter("id", id).setParameter("age", age).executeUpdate();
    }

    private void outbox(UUID id, String age, boolean published) {
        em.createNativeQuery("""
                        WITH written AS (
                            INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope, created_at)
                            VALUES (:id, 'retention-test', '1', 'test', '{}', now() - CAST(:age AS interval))
                            RETURNING id)
                        INSERT INTO outbox_pending (id) SELECT id FROM written WHERE NOT :published""")
                .setParameter("id", id).setParameter("age", age).setParameter("published", published).executeUpdate();
    }
}
