package com.gitlab.ops.incident.incident;

import com.gitlab.ops.platform.time.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;

/** Creates incidents with a number from {@link IncidentIidAllocator}, taken before the transaction. */
@ApplicationScoped
public class IncidentCreator {

    private final Clock clock;

    public IncidentCreator(Clock clock) {
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Incident create(long projectId, long iid, String projectPath, String title, String severity) {
        Incident incident = new Incident();
        incident.projectId = projectId;
        incident.iid = iid;
        incident.projectPath = projectPath;
        incident.title = title;
        incident.severity = severity;
        incident.createdAt = Timestamps.now(clock); // the answer to the create equals later reads
        incident.persist();
        return incident;
    }
}
