package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventData;
import com.gitlab.ops.platform.event.InvalidEventException;
import java.util.Set;

/**
 * An import start: an {@code import.started} event's data, or a synchronous request (where only
 * the project and {@code max_iids} are required). {@code max_iids} is kept as sent: its entries are
 * checked one by one when reserving, so that one bad entry does not stop the others.
 */
public record ImportStarted(long projectId, String projectPath, String importer, Long userId, Long namespaceId, String importId,
        JsonNode maxIids) {

    public static final Set<String> IMPORTERS = Set.of(
            "github", "bitbucket", "bitbucket_server", "fogbugz", "gitea", "gitlab_project", "bulk_import");

    public static ImportStarted from(CloudEvent event) {
        EventData data = event.fields();
        JsonNode maxIids = data.optionalNode("max_iids")
                .orElseThrow(() -> new InvalidEventException("field 'max_iids' is required in data"));
        if (!maxIids.isObject()) {
            throw new InvalidEventException("field 'max_iids' must be an object of usage to highest IID, e.g. {\"issues\": 1200}");
        }
        return new ImportStarted(
                data.requiredId("project_id"),
                data.requiredText("project_path", 255),
                data.requiredEnum("importer", IMPORTERS),
                data.requiredId("user_id"),
                data.optionalId("namespace_id").orElse(null),
                data.optionalText("import_id", 255).orElse(null),
                maxIids);
    }
}
