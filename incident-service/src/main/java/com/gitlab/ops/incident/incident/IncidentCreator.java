package com.gitlab.ops.incident.incident;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Creates incidents with a number from {@link IncidentIids}, taken before the transaction. */
@ApplicationScoped
public class IncidentCreator {

    @Transactional(Transactional.TxType.MANDATORY)
    public Incident create(long projectId, long iid, String projectPath, String title, String severity) {
        Incident incident = new Incident();
        incident.projectId = projectId;
        incident.iid = iid;
        incident.projectPath = projectPath;
        incident.title = title;
        incident.severity = severity;
        // Microseconds: what PostgreSQL keeps, so the answer to the create equals later reads.
        incident.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        incident.persist();
        return incident;
    }
}
