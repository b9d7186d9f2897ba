package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.error.ApiException;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;

/** For operators: was this event applied, and when? Answers by the event's CloudEvents id. */
@Path("/admin/inbox")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    public record ProcessedEvent(String topic, String eventId, String eventType, OffsetDateTime processedAt) {
    }

    private final EntityManager em;

    public InboxResource(EntityManager em) {
        this.em = em;
    }

    @GET
    @Path("/{eventId}")
    public List<ProcessedEvent> find(@PathParam("eventId") String eventId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "SELECT topic, event_id, event_type, processed_at FROM inbox_event WHERE event_id = :id ORDER BY topic")
                .setParameter("id", eventId).getResultList();
        if (rows.isEmpty()) {
            throw ApiException.notFound("event " + eventId + " has not been applied (not received yet, or dead-lettered: see the topic's .dlq)");
        }
        return rows.stream().map(r -> new ProcessedEvent((String) r[0], (String) r[1], (String) r[2],
                ((java.time.Instant) r[3]).atOffset(java.time.ZoneOffset.UTC))).toList();
    }
}
