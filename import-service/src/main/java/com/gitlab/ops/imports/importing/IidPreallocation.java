package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.imports.iid.InternalIdRepository;
import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.platform.flags.ProjectActor;
import com.gitlab.ops.platform.outbox.Outbox;
import com.gitlab.ops.platform.time.Timestamps;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At the start of an import, while {@code importer_preallocate_iids} is on for the project (or, for a
 * direct-transfer group entity, its group), raises
 * every counter named in {@code max_iids} to at least its value, all in one transaction with the
 * import's record and its {@code import.iids_preallocated} event: a record a user creates during the
 * import is numbered after every imported one. With the flag off, the record says nothing was reserved.
 */
@ApplicationScoped
public class IidPreallocation {

    public static final String FLAG = "importer_preallocate_iids";

    private final InternalIdRepository ids;
    private final FeatureFlagService flags;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final EntityManager em;
    private final Clock clock;

    public IidPreallocation(InternalIdRepository ids, FeatureFlagService flags, Outbox outbox, ObjectMapper mapper, MeterRegistry registry,
            EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
        this.ids = ids;
        this.flags = flags;
        this.outbox = outbox;
        this.mapper = mapper;
        this.registry = registry;
    }

    /** @param eventId the event's id, or null for the synchronous endpoint */
    @Transactional(Transactional.TxType.MANDATORY)
    public ImportRecord reserve(ImportStarted start, String eventId) {
        lockImport(start);
        ImportRecord record = ImportRecord.of(start.importId(), eventId);
        if (ImportRecord.RESERVED.equals(record.outcome)) {
            // The same import again (its event after the synchronous call, or sent twice): reserved once.
            return record;
        }
        MaxIids entries = MaxIids.parse(start.maxIids(), start.projectId(), start.namespaceId());
        describe(record, start, eventId);
        record.rejected = json(entries.rejected());
        record.error = null;
        Map<String, Long> reserved = new LinkedHashMap<>();
        if (flagOn(start)) {
            entries.valid().forEach((key, entry) -> reserved.put(key, ids.track(entry.counter(), entry.max())));
            record.outcome = ImportRecord.RESERVED;
            outbox.publish(IidsPreallocated.TOPIC, start.eventKey(), IidsPreallocated.TYPE,
                    new IidsPreallocated(start.projectId(), start.namespaceId(), start.importer(), reserved));
        } else {
            record.outcome = ImportRecord.SKIPPED;
        }
        record.reserved = json(reserved);
        if (record.id == null) {
            record.persist();
        }
        return record;
    }

    /** The flag is on for the project being imported, or for a group entity's group (an actor as a project is). */
    private boolean flagOn(ImportStarted start) {
        return start.ofGroupOnly() ? flags.isEnabledForGroup(FLAG, start.namespaceId())
                : flags.isEnabled(FLAG, new ProjectActor(start.projectId(), start.projectPath()));
    }

    /** A reservation given up on after its retries: never silent. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void failed(ImportStarted start, String eventId, String reason) {
        registry.counter("import.iid.preallocation.failures", "importer", start.importer()).increment();
        lockImport(start);
        ImportRecord record = ImportRecord.of(start.importId(), eventId);
        if (ImportRecord.RESERVED.equals(record.outcome)) {
            return; // Reserved by another way in: this failure changed nothing.
        }
        describe(record, start, eventId);
        record.outcome = ImportRecord.FAILED;
        record.reserved = "{}";
        record.rejected = json(MaxIids.parse(start.maxIids(), start.projectId(), start.namespaceId()).rejected());
        record.error = reason;
        if (record.id == null) {
            record.persist();
        }
    }

    /** The event and the synchronous call for one import may come at once: the second waits for the first's commit. */
    private void lockImport(ImportStarted start) {
        if (start.importId() != null) {
            em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:import_id))").setParameter("import_id", start.importId())
                    .getSingleResult();
        }
    }

    private void describe(ImportRecord record, ImportStarted start, String eventId) {
        if (record.eventId == null) {
            record.eventId = eventId;
        }
        record.projectId = start.projectId();
        record.projectPath = start.projectPath();
        record.namespaceId = start.namespaceId();
        record.importer = start.importer();
        record.userId = start.userId();
        record.receivedAt = Timestamps.now(clock);
    }

    private String json(Map<String, ?> map) {
        try {
            return mapper.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
