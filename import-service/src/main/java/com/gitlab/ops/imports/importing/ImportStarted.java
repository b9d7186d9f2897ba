package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventData;
import com.gitlab.ops.platform.event.InvalidEventException;
import java.util.Set;

/**
 * An import start: an {@code import.started} event's data, or a synchronous request (where only
 * {@code max_iids} is required). It is a project's import ({@code projectId} set, with its group in
 * {@code namespaceId} when it names one), or a direct-transfer group entity's ({@code projectId}
 * null): a group has no project. {@code max_iids} is kept as sent: its entries are checked one by
 * one when reserving, so that one bad entry does not stop the others.
 */
public record ImportStarted(Long projectId, String projectPath, String importer, Long userId, Long namespaceId, String importId,
        JsonNode maxIids) {

    public static final Set<String> IMPORTERS = Set.of(
            "github", "bitbucket", "bitbucket_server", "fogbugz", "gitea", "gitlab_project", "bulk_import");

    public ImportStarted {
        if (projectId == null && namespaceId == null) {
            throw new IllegalArgumentException("an import is of a project or of a group");
        }
    }

    public static ImportStarted from(CloudEvent event) {
        EventData data = event.fields();
        JsonNode maxIids = data.optionalNode("max_iids")
                .orElseThrow(() -> new InvalidEventException("field 'max_iids' is required in data"));
        if (!maxIids.isObject()) {
            throw new InvalidEventException("field 'max_iids' must be an object of usage to highest IID, e.g. {\"issues\": 1200}");
        }
        Long projectId = data.optionalId("project_id").orElse(null);
        Long namespaceId = data.optionalId("namespace_id").orElse(null);
        if (projectId == null && namespaceId == null) {
            throw new InvalidEventException("field 'project_id' is required in data (a direct-transfer group entity, which has no project, "
                    + "sends namespace_id, its group's id, instead)");
        }
        return new ImportStarted(
                projectId,
                projectId != null ? data.requiredText("project_path", 255) : data.optionalText("project_path", 255).orElse(null),
                data.requiredEnum("importer", IMPORTERS),
                data.requiredId("user_id"),
                namespaceId,
                data.optionalText("import_id", 255).orElse(null),
                maxIids);
    }

    /** A group entity's import: only group counters. */
    public boolean ofGroupOnly() {
        return projectId == null;
    }

    /** The key of its events out: what it reserves for, so one project's (or group's) events stay in order. */
    String eventKey() {
        return ofGroupOnly() ? "group-" + namespaceId : Long.toString(projectId);
    }
}
