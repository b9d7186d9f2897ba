package com.gitlab.ops.incident.incident;

import static com.gitlab.ops.platform.sql.SetBased.column;

import com.gitlab.ops.platform.sql.SetBased;
import com.gitlab.ops.platform.time.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Creates incidents with a number from {@link IncidentIidAllocator}, taken before the transaction. */
@ApplicationScoped
public class IncidentCreator {

    /** An incident to create, its number already taken. */
    public record NewIncident(long projectId, long iid, String projectPath, String title, String severity) {
    }

    private final Clock clock;
    private final EntityManager em;

    public IncidentCreator(Clock clock, EntityManager em) {
        this.clock = clock;
        this.em = em;
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

    /** Creates many in one statement (a storm's). @return their ids, in the list's order */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Long> createAll(List<NewIncident> incidents) {
        if (incidents.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = Timestamps.now(clock);
        Map<String, Long> ids = SetBased.run(em, """
                INSERT INTO incident (project_id, iid, project_path, title, severity, created_at)
                SELECT n.*, ? FROM unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[])
                                   AS n (project_id, iid, project_path, title, severity)
                RETURNING project_id, iid, id""", (connection, statement) -> {
                    statement.setObject(1, now);
                    statement.setArray(2, column(connection, "bigint", incidents, NewIncident::projectId));
                    statement.setArray(3, column(connection, "bigint", incidents, NewIncident::iid));
                    statement.setArray(4, column(connection, "varchar", incidents, NewIncident::projectPath));
                    statement.setArray(5, column(connection, "varchar", incidents, NewIncident::title));
                    statement.setArray(6, column(connection, "varchar", incidents, NewIncident::severity));
                }, statement -> {
                    Map<String, Long> created = new HashMap<>(incidents.size() * 2);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            created.put(row.getLong(1) + "/" + row.getLong(2), row.getLong(3));
                        }
                    }
                    return created;
                });
        return incidents.stream().map(incident -> ids.get(incident.projectId() + "/" + incident.iid())).toList();
    }
}
