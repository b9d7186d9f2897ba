package com.gitlab.ops.imports.iid;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The counters, in the database: each operation is one atomic statement on the counter's row, so
 * no number is handed out twice by any number of threads or instances, and none is lost. A counter
 * that does not exist yet starts at the first value asked for (GitLab starts it from the records'
 * highest IID; here the service owns the counter, so there are none before it).
 */
@ApplicationScoped
public class InternalIds {

    private static final String RESERVE_NEXT = """
            INSERT INTO internal_id (project_id, usage, last_value) VALUES (?, ?, ?)
            ON CONFLICT (project_id, usage) DO UPDATE SET last_value = internal_id.last_value + EXCLUDED.last_value
            RETURNING last_value""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    public InternalIds(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    /**
     * Hands out {@code count} consecutive numbers at once, committed before it returns; the last of
     * them. Runs in its own autocommit statement: the hot path of {@code next}.
     */
    public long reserveNext(long projectId, String usage, int count) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RESERVE_NEXT)) {
            s.setLong(1, projectId);
            s.setString(2, usage);
            s.setLong(3, count);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Raises the counter to at least {@code value}, never lowering it; the counter after. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long track(long projectId, String usage, long value) {
        return ((Number) em.createNativeQuery("""
                        INSERT INTO internal_id (project_id, usage, last_value) VALUES (:project, :usage, :value)
                        ON CONFLICT (project_id, usage) DO UPDATE SET last_value = GREATEST(internal_id.last_value, EXCLUDED.last_value)
                        RETURNING last_value""")
                .setParameter("project", projectId).setParameter("usage", usage).setParameter("value", value)
                .getSingleResult()).longValue();
    }

    public long lastValue(long projectId, String usage) {
        java.util.List<?> rows = em.createNativeQuery("SELECT last_value FROM internal_id WHERE project_id = :project AND usage = :usage")
                .setParameter("project", projectId).setParameter("usage", usage)
                .getResultList();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0)).longValue();
    }
}
