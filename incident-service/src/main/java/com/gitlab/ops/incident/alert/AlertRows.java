package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.escalation.EscalationStatusName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * The alerts of a poll, read and written set-based: one statement for all of them, whatever their
 * number (arrays bound once, {@code unnest}ed by PostgreSQL), in the poll's transaction.
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
        if (keys.isEmpty()) {
            return Map.of();
        }
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT a.project_id, a.iid, a.project_path, a.title, a.status, a.severity, a.escalation_policy_id, a.updated_at,
                           a.created_at, a.incident_id
                    FROM alert a JOIN unnest(?::bigint[], ?::bigint[]) AS k (project_id, iid) ON a.project_id = k.project_id AND a.iid = k.iid
                    ORDER BY a.id
                    FOR UPDATE OF a""")) {
                statement.setArray(1, array(connection, "bigint", keys, AlertKey::projectId));
                statement.setArray(2, array(connection, "bigint", keys, AlertKey::iid));
                Map<AlertKey, AlertState> stored = new HashMap<>(keys.size() * 2);
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        AlertKey key = new AlertKey(row.getLong(1), row.getLong(2));
                        stored.put(key, new AlertState(key, row.getString(3), row.getString(4), EscalationStatusName.ofCode(row.getShort(5)).apiName(),
                                row.getString(6), row.getObject(7, Long.class), row.getObject(8, OffsetDateTime.class),
                                row.getObject(9, OffsetDateTime.class), row.getObject(10, Long.class)));
                    }
                }
                return stored;
            }
        });
    }

    /**
     * Writes each alert's new state in one statement, with the same guard as {@link Alert#upsert}
     * (an older state changes nothing) for a row another writer stored meanwhile.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void upsert(Collection<AlertState> states) {
        if (states.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO alert (project_id, iid, project_path, title, status, severity, escalation_policy_id, updated_at, created_at)
                    SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::varchar[], ?::smallint[], ?::varchar[], ?::bigint[],
                                         ?::timestamptz[], ?::timestamptz[])
                    ON CONFLICT (project_id, iid) DO UPDATE SET
                        project_path = COALESCE(EXCLUDED.project_path, alert.project_path),
                        title = EXCLUDED.title, status = EXCLUDED.status, severity = EXCLUDED.severity,
                        escalation_policy_id = EXCLUDED.escalation_policy_id, updated_at = EXCLUDED.updated_at,
                        created_at = LEAST(alert.created_at, EXCLUDED.created_at)
                    WHERE alert.updated_at < EXCLUDED.updated_at""")) {
                statement.setArray(1, array(connection, "bigint", states, state -> state.key().projectId()));
                statement.setArray(2, array(connection, "bigint", states, state -> state.key().iid()));
                statement.setArray(3, array(connection, "varchar", states, AlertState::projectPath));
                statement.setArray(4, array(connection, "varchar", states, AlertState::title));
                statement.setArray(5, array(connection, "smallint", states, state -> EscalationStatusName.ofName(state.status()).orElseThrow().code()));
                statement.setArray(6, array(connection, "varchar", states, AlertState::severity));
                statement.setArray(7, array(connection, "bigint", states, AlertState::policyId));
                // As text: PostgreSQL reads ISO 8601 with its offset.
                statement.setArray(8, array(connection, "varchar", states, state -> state.updatedAt().toString()));
                statement.setArray(9, array(connection, "varchar", states, state -> state.createdAt().toString()));
                statement.executeUpdate();
            }
        });
    }

    /** The first of the updates whose escalation policy is not one of its project's, if any. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<AlertUpdated> firstWithUnknownPolicy(List<AlertUpdated> updates) {
        List<AlertUpdated> naming = updates.stream().filter(update -> update.escalationPolicyId().isPresent()).toList();
        if (naming.isEmpty()) {
            return Optional.empty();
        }
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT k.n FROM unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS k (project_id, policy_id, n)
                    WHERE NOT EXISTS (SELECT 1 FROM escalation_policy p WHERE p.id = k.policy_id AND p.project_id = k.project_id)
                    ORDER BY k.n LIMIT 1""")) {
                statement.setArray(1, array(connection, "bigint", naming, AlertUpdated::projectId));
                statement.setArray(2, array(connection, "bigint", naming, update -> update.escalationPolicyId().orElseThrow()));
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(naming.get(row.getInt(1) - 1)) : Optional.empty();
                }
            }
        });
    }

    private static <T> java.sql.Array array(Connection connection, String type, Collection<T> items, Function<T, Object> value)
            throws SQLException {
        return connection.createArrayOf(type, items.stream().map(value).toArray());
    }
}
