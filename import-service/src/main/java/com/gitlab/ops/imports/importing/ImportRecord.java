package com.gitlab.ops.imports.importing;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;

/** An import start seen, and what its reservation did: reserved, skipped (flag off) or failed. */
@Entity
@Table(name = "import_record")
public class ImportRecord extends PanacheEntityBase {

    public static final String RESERVED = "reserved";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id")
    public String eventId;

    /** The importer's name for the import, when it gave one: one record, one reservation per import. */
    @Column(name = "import_id")
    public String importId;

    /** Null for a direct-transfer group entity's import, which names only its group. */
    @Column(name = "project_id")
    public Long projectId;

    @Column(name = "project_path")
    public String projectPath;

    /** The group of the import's group-scoped counters, when it named one. */
    @Column(name = "namespace_id")
    public Long namespaceId;

    public String importer;

    @Column(name = "user_id")
    public Long userId;

    @Column(nullable = false)
    public String outcome;

    /** JSON object: usage to the counter after the reservation. */
    @Column(nullable = false)
    public String reserved;

    /** JSON object: usage to why its entry was left out. */
    @Column(nullable = false)
    public String rejected;

    public String error;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;

    /**
     * The record of the same import seen before (by its import id, or by the event's id: one that
     * failed and is replayed now), or a new one.
     */
    public static ImportRecord of(String importId, String eventId) {
        Optional<ImportRecord> existing = importId != null ? find("importId", importId).firstResultOptional() : Optional.empty();
        if (existing.isEmpty() && eventId != null) {
            existing = find("eventId", eventId).firstResultOptional();
        }
        return existing.orElseGet(() -> {
            ImportRecord record = new ImportRecord();
            record.eventId = eventId;
            record.importId = importId;
            return record;
        });
    }
}
