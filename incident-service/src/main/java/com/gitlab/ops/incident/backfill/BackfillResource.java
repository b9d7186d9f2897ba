package com.gitlab.ops.incident.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Admin: start the escalation status repair job; its progress is at /admin/jobs/{id}, as every admin job's. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class BackfillResource {

    public record JobView(long id, String kind, String state, boolean rebuild, long done, long total, long created, String error,
            OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        static JobView of(BackfillJob job) {
            return new JobView(job.id, BackfillJob.KIND, job.state, job.rebuild, job.done, job.total, job.created, job.error,
                    job.createdAt, job.updatedAt);
        }
    }

    private final EscalationStatusBackfill backfill;

    public BackfillResource(EscalationStatusBackfill backfill) {
        this.backfill = backfill;
    }

    /** The body as the API documents it. */
    @Schema(name = "BackfillRequest")
    record Body(Boolean rebuild) {
    }

    /** Body optional; {@code {"rebuild": true}} deletes every record first, and only when said so. */
    @POST
    @Path("/escalation-statuses/backfill")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@RequestBody(required = false, content = @Content(schema = @Schema(implementation = Body.class))) ObjectNode body) {
        boolean rebuild = false;
        if (body != null) {
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("rebuild")) {
                    throw ApiException.badRequest("unknown field '" + name + "'; the only field is rebuild");
                }
            });
            JsonNode node = body.get("rebuild");
            if (node != null && !node.isBoolean()) {
                throw ApiException.badRequest("'rebuild' must be true or false; true deletes every escalation status record first");
            }
            rebuild = node != null && node.asBoolean();
        }
        BackfillJob job = backfill.start(rebuild);
        return Response.accepted(JobView.of(job)).location(URI.create("/admin/jobs/" + job.id)).build();
    }

}
