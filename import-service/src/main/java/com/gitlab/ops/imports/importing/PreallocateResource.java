package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

// Its own class: under the counters' path "{usage}" would match "preallocate" first.
@Path("/api/projects/{projectId}/iids/preallocate")
@Produces(MediaType.APPLICATION_JSON)
public class PreallocateResource {

    private static final Set<String> FIELDS = Set.of("max_iids", "project_path", "importer", "user_id", "namespace_id", "import_id");

    private final IidPreallocation preallocation;
    private final ObjectMapper mapper;

    public PreallocateResource(IidPreallocation preallocation, ObjectMapper mapper) {
        this.preallocation = preallocation;
        this.mapper = mapper;
    }

    /** The reservation an import start makes, synchronously, for importers that must wait for it. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public ImportView preallocate(@PathParam("projectId") long projectId, ObjectNode body) {
        if (projectId <= 0) {
            throw ApiException.badRequest("project id must be a positive integer");
        }
        if (body == null || !body.path("max_iids").isObject()) {
            throw ApiException.badRequest("send {\"max_iids\": {\"issues\": 1200, ...}}, optionally with project_path, importer, user_id, namespace_id and import_id");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; known fields are importer, max_iids, project_path, user_id");
            }
        });
        String importer = text(body, "importer");
        if (importer != null && !ImportStarted.IMPORTERS.contains(importer)) {
            throw ApiException.badRequest("'importer' must be one of " + String.join(", ", ImportStarted.IMPORTERS.stream().sorted().toList()));
        }
        JsonNode userId = body.get("user_id");
        if (userId != null && !userId.isNull() && !(userId.isIntegralNumber() && userId.asLong() > 0)) {
            throw ApiException.badRequest("'user_id' must be a positive integer");
        }
        JsonNode namespaceId = body.get("namespace_id");
        if (namespaceId != null && !namespaceId.isNull() && !(namespaceId.isIntegralNumber() && namespaceId.canConvertToLong() && namespaceId.asLong() > 0)) {
            throw ApiException.badRequest("'namespace_id' must be a positive integer: the id of the group the project belongs to");
        }
        ImportStarted start = new ImportStarted(projectId, text(body, "project_path"), importer,
                userId == null || userId.isNull() ? null : userId.asLong(),
                namespaceId == null || namespaceId.isNull() ? null : namespaceId.asLong(), text(body, "import_id"), body.get("max_iids"));
        return ImportView.of(preallocation.reserve(start, null), mapper);
    }

    private static String text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > 255) {
            throw ApiException.badRequest("'" + field + "' must be a non-empty string of at most 255 characters");
        }
        return node.asText();
    }
}
