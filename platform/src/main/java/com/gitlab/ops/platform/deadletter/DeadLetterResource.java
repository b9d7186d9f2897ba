package com.gitlab.ops.platform.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.job.AdminJob;
import com.gitlab.ops.platform.job.AdminJobResource;
import com.gitlab.ops.platform.job.AdminJobRunner;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Admin: replay a topic's dead letters, all or a chosen part, once their cause is fixed. The replay
 * runs as a background job: the request answers 202 with the job at once, and its progress is at
 * {@code /admin/jobs/{id}} (replayed, skipped, done of total).
 */
@Path("/admin/dead-letters/{topic}/replay")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Set<String> FIELDS = Set.of("partition", "from_offset", "to_offset", "key");
    /** The services' keys are ids and package versions; a longer one is a mistake, not a key to look for. */
    private static final int MAX_KEY_LENGTH = 256;

    /** The body as the API documents it: which dead letters to send back, each field optional. */
    @Schema(name = "DeadLetterSelection")
    record Body(Integer partition, Long fromOffset, Long toOffset, String key) {
    }

    public static final String KIND = "dead_letter_replay";

    private final DeadLetterReplay replay;
    private final AdminJobRunner jobs;

    public DeadLetterResource(DeadLetterReplay replay, AdminJobRunner jobs) {
        this.replay = replay;
        this.jobs = jobs;
    }

    /** Body optional: {@code {"partition": 0, "from_offset": 10, "to_offset": 20, "key": "42"}}, each optional. */
    @POST
    @Blocking
    public Response replay(@PathParam("topic") String topic, @RequestBody(required = false, content = @Content(schema = @Schema(implementation = Body.class))) ObjectNode body) {
        ObjectNode selection = body == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : body;
        selection.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; known fields are from_offset, key, partition, to_offset");
            }
        });
        Long from = offset(selection, "from_offset");
        Long to = offset(selection, "to_offset");
        if (from != null && to != null && from > to) {
            throw ApiException.badRequest("'from_offset' must not be after 'to_offset'");
        }
        Long partition = offset(selection, "partition");
        JsonNode key = selection.get("key");
        if (key != null && !key.isNull() && (!key.isTextual() || key.asText().length() > MAX_KEY_LENGTH || key.asText().indexOf('\0') >= 0)) {
            throw ApiException.badRequest("'key' must be a string of at most " + MAX_KEY_LENGTH
                    + " characters, without NUL: the message key, e.g. the project id \"42\"");
        }
        replay.requireConsumed(topic);
        DeadLetterReplay.Selection chosen = new DeadLetterReplay.Selection(partition == null ? null : partition.intValue(), from, to,
                key == null || key.isNull() ? null : key.asText());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", topic);
        details.put("from", topic + ".dlq");
        details.put("replayed", 0);
        details.put("skipped", 0);
        AdminJob job = jobs.start(KIND, details, progress -> {
            DeadLetterReplay.Result result = replay.replay(topic, chosen, progress);
            return Map.of("replayed", result.replayed(), "skipped", result.skipped());
        });
        return Response.accepted(AdminJobResource.JobView.of(job, Map.of(), false)).location(URI.create("/admin/jobs/" + job.id)).build();
    }

    private static Long offset(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        boolean fits = field.equals("partition") ? node.canConvertToInt() : node.canConvertToLong();
        if (!node.isIntegralNumber() || !fits || node.asLong() < 0) {
            throw ApiException.badRequest("'" + field + "' must be a non-negative integer");
        }
        return node.asLong();
    }
}
