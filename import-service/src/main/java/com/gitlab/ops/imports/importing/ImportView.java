package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;

/** An import as the API shows it: what was reserved, what was left out and why, or why it failed. */
public record ImportView(long id, String eventId, String importId, Long projectId, String projectPath, Long namespaceId, String importer, Long userId,
        String outcome,
        JsonNode reserved, JsonNode rejected, String error, OffsetDateTime receivedAt) {

    public static ImportView of(ImportRecord record, ObjectMapper mapper) {
        try {
            return new ImportView(record.id, record.eventId, record.importId, record.projectId, record.projectPath, record.namespaceId, record.importer,
                    record.userId,
                    record.outcome, mapper.readTree(record.reserved), mapper.readTree(record.rejected), record.error, record.receivedAt);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
