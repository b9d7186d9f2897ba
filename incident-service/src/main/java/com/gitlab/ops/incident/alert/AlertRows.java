package com.gitlab.ops.incident.alert;

import static com.gitlab.ops.platform.sql.SetBased.column;
import static com.gitlab.ops.platform.sql.SetBased.times;

import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.platform.sql.SetBased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerts of a poll, read and written set-based: one statement for all of them, whatever their
 * number, in the poll's transaction.
 */
@ApplicationScoped
public class AlertRows {

    private final EntityManager em;

    public AlertRows(EntityManager em) {
        this.em = em;
    }

    /** Reads the stored rows of these alerts and locks them, in id order as every run locks them. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<AlertKey, AlertState> lock(Collection<AlertKey> keys) {
        return read(keys, "ORDER BY a.id FOR UPDATE OF a");
    }

    /** Reads the stored rows of these alerts. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<AlertKey, AlertState> read(Collection<AlertKey> keys) {
        return read(keys, "");
    }

    private Map<AlertKey, AlertState> read(Collection<AlertKey> keys, String locking) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return SetBased.run(em, """
                SELECT a.project_id, a.iid, a.project_path, a.title, a.status, a.severity, a.escalation_policy_id, a.updated_at,
                       a.created_at, a.incident_id
                FROM alert a JOIN unnest(?::bigint[], ?::bigint[]) AS k (project_id, iid) ON a.project_id = k.project_id AND a.iid = k.iid
                """ + locking, (connection, statement) -> {
                    statement.setArray(1, column(connection, "bigint", keys, AlertKey::projectId));
                    statement.setArray(2, column(connection, "bigint", keys, AlertKey::iid));
                }, statement -> {
                    Map<AlertKey, AlertState> stored = new HashMap<>(keys.size() * 2);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            AlertKey key = new AlertKey(row.getLong(1), row.getLong(2));
                            stored.put(key, new AlertState(key, row.getString(3), row.getString(4),
                                    EscalationStatusName.ofCode(row.getShort(5)).apiName(), row.getString(6), row.getObject(7, Long.class),
                                    row.getObject(8, OffsetDateTime.class), row.getObject(9, OffsetDateTime.class), row.getObject(10, Long.class)));
                        }
                    }
                    return stored;
                });
    }

    /** An alert row as an upsert wrote it, with the incident it is linked to, if any. */
    public record Written(long id, String projectPath, OffsetDateTime createdAt, Long incidentId) {
    }

    /**
     * Writes each alert's new state in one statement (a poll's, or one update's), unless what is
     * stored is as new or newer: the guard that makes an older state change nothing, for one
     * update at a time and for a row another writer stored since the poll's were read.
     *
     * @return the alerts written, as stored
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<AlertKey, Written> upsert(Collection<AlertState> states) {
        if (states.isEmpty()) {
            return Map.of();
        }
        return SetBased.run(em, """
                INSERT INTO alert (project_id, iid, project_path, title, status, severity, escalation_policy_id, updated_at, created_at)
                SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::varchar[], ?::smallint[], ?::varchar[], ?::bigint[],
                                     ?::timestamptz[], ?::timestamptz[])
                ON CONFLICT (project_id, iid) DO UPDATE SET
                    project_path = COALESCE(EXCLUDED.project_path, alert.project_path),
                    title = EXCLUDED.title, status = EXCLUDED.status, severity = EXCLUDED.severity,
                    escalation_policy_id = EXCLUDED.escalation_policy_id, updated_at = EXCLUDED.updated_at,
                    created_at = LEAST(alert.created_at, EXCLUDED.created_at)
                WHERE alert.updated_at < EXCLUDED.updated_at
                RETURNING project_id, iid, id, project_path, created_at, incident_id""", (connection, statement) -> {
                    statement.setArray(1, column(connection, "bigint", states, state -> state.key().projectId()));
                    statement.setArray(2, column(connection, "bigint", states, state -> state.key().iid()));
                    statement.setArray(3, column(connection, "varchar", states, AlertState::projectPath));
                    statement.setArray(4, column(connection, "varchar", states, AlertState::title));
                    statement.setArray(5, column(connection, "smallint", states,
                            state -> EscalationStatusName.ofName(state.status()).orElseThrow().code()));
                    statement.setArray(6, column(connection, "varchar", states, AlertState::severity));
                    statement.setArray(7, column(connection, "bigint", states, AlertState::policyId));
                    statement.setArray(8, times(connection, states, AlertState::updatedAt));
                    statement.setArray(9, times(connection, states, AlertState::createdAt));
                }, statement -> {
                    Map<AlertKey, Written> written = new HashMap<>(states.size() * 2);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            written.put(new AlertKey(row.getLong(1), row.getLong(2)),
                                    new Written(row.getLong(3), row.getString(4), row.getObject(5, OffsetDateTime.class),
                                            row.getObject(6, Long.class)));
                        }
                    }
                    return written;
                });
    }

    /** Links each alert (by id) to its incident (by id), in one statement. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void link(Map<Long, Long> incidentByAlert) {
        if (incidentByAlert.isEmpty()) {
            return;
        }
        List<Map.Entry<Long, Long>> links = List.copyOf(incidentByAlert.entrySet());
        SetBased.run(em, """
                UPDATE alert SET incident_id = l.incident_id
                FROM unnest(?::bigint[], ?::bigint[]) AS l (alert_id, incident_id) WHERE alert.id = l.alert_id""", (connection, statement) -> {
                    statement.setArray(1, column(connection, "bigint", links, Map.Entry::getKey));
                    statement.setArray(2, column(connection, "bigint", links, Map.Entry::getValue));
                }, statement -> statement.executeUpdate());
    }

    /** The first of the updates whose escalation policy is not one of its project's, if any. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<AlertUpdated> firstWithUnknownPolicy(List<AlertUpdated> updates) {
        List<AlertUpdated> naming = updates.stream().filter(update -> update.escalationPolicyId().isPresent()).toList();
        if (naming.isEmpty()) {
            return Optional.empty();
        }
        return SetBased.run(em, """
                SELECT k.n FROM unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS k (project_id, policy_id, n)
                WHERE NOT EXISTS (SELECT 1 FROM escalation_policy p WHERE p.id = k.policy_id AND p.project_id = k.project_id)
                ORDER BY k.n LIMIT 1""", (connection, statement) -> {
                    statement.setArray(1, column(connection, "bigint", naming, AlertUpdated::projectId));
                    statement.setArray(2, column(connection, "bigint", naming, update -> update.escalationPolicyId().orElseThrow()));
                }, statement -> {
                    try (ResultSet row = statement.executeQuery()) {
                        return row.next() ? Optional.of(naming.get(row.getInt(1) - 1)) : Optional.<AlertUpdated>empty();
                    }
                });
    }
}
