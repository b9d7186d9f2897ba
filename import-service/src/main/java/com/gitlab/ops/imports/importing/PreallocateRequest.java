package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of a synchronous reservation, a project's or a group entity's: {@code max_iids} and the
 * optional fields of {@code import.started}, each refused with a sentence saying what to send.
 */
final class PreallocateRequest {

    private static final List<String> PROJECT_FIELDS = List.of("import_id", "importer", "max_iids", "namespace_id", "project_path", "user_id");
    private static final List<String> GROUP_FIELDS = List.of("import_id", "importer", "max_iids", "user_id");

    private PreallocateRequest() {
    }

    /** A project's body as the API documents it ({@code max_iids}: usage to the source's highest IID). */
    @Schema(name = "ProjectPreallocation", requiredProperties = "max_iids")
    record ProjectBody(Map<String, Long> maxIids, String importer, Long userId, String importId, Long namespaceId, String projectPath) {
    }

    /** A group entity's body as the API documents it. */
    @Schema(name = "GroupPreallocation", requiredProperties = "max_iids")
    record GroupBody(Map<String, Long> maxIids, String importer, Long userId, String importId) {
    }

    static ImportStarted ofProject(long projectId, ObjectNode body) {
        requirePositive(projectId, "project id");
        check(body, PROJECT_FIELDS);
        Long namespaceId = id(body, "namespace_id", "the id of the group the project belongs to");
        return new ImportStarted(projectId, text(body, "project_path"), importer(body), id(body, "user_id", "the importing user's id"),
                namespaceId, text(body, "import_id"), body.get("max_iids"));
    }

    /** A direct-transfer group entity: the group's counters only. */
    static ImportStarted ofGroup(long groupId, ObjectNode body) {
        requirePositive(groupId, "group id");
        check(body, GROUP_FIELDS);
        return new ImportStarted(null, null, importer(body), id(body, "user_id", "the importing user's id"), groupId, text(body, "import_id"),
                body.get("max_iids"));
    }

    private static void requirePositive(long id, String what) {
        if (id <= 0) {
            throw ApiException.badRequest(what + " must be a positive integer");
        }
    }

    private static void check(ObjectNode body, List<String> fields) {
        if (body == null || !body.path("max_iids").isObject()) {
            throw ApiException.badRequest("send {\"max_iids\": {\"issues\": 1200, ...}}, optionally with "
                    + String.join(", ", fields.stream().filter(f -> !f.equals("max_iids")).toList()));
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; known fields are " + String.join(", ", fields));
            }
        });
    }

    private static String importer(ObjectNode body) {
        String importer = text(body, "importer");
        if (importer != null && !ImportStarted.IMPORTERS.contains(importer)) {
            throw ApiException.badRequest("'importer' must be one of " + String.join(", ", ImportStarted.IMPORTERS.stream().sorted().toList()));
        }
        return importer;
    }

    private static Long id(ObjectNode body, String field, String what) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!(node.isIntegralNumber() && node.canConvertToLong() && node.asLong() > 0)) {
            throw ApiException.badRequest("'" + field + "' must be a positive integer: " + what);
        }
        return node.asLong();
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
