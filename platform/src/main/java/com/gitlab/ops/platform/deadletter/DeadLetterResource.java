package com.gitlab.ops.platform.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/** Admin: replay a topic's dead letters, all or a chosen part, once their cause is fixed. */
@Path("/admin/dead-letters/{topic}/replay")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Set<String> FIELDS = Set.of("partition", "from_offset", "to_offset", "key");

    private final DeadLetterReplay replay;

    public DeadLetterResource(DeadLetterReplay replay) {
        this.replay = replay;
    }

    /** Body optional: {@code {"partition": 0, "from_offset": 10, "to_offset": 20, "key": "42"}}, each optional. */
    @POST
    @Blocking
    public DeadLetterReplay.Result replay(@PathParam("topic") String topic, ObjectNode body) {
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
        if (key != null && !key.isNull() && !key.isTextual()) {
            throw ApiException.badRequest("'key' must be a string: the message key, e.g. the project id \"42\"");
        }
        return replay.replay(topic, new DeadLetterReplay.Selection(partition == null ? null : partition.intValue(), from, to,
                key == null || key.isNull() ? null : key.asText()));
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
