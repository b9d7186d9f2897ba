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
public class InternalIdRepository {

    private static final String RESERVE_NEXT = """
            INSERT INTO internal_id (scope, scope_id, usage, last_value) VALUES (?, ?, ?, ?)
            ON CONFLICT (scope, scope_id, usage) DO UPDATE SET last_value = internal_id.last_value + EXCLUDED.last_value
            RETURNING last_value""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    public InternalIdRepository(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    /**
     * Hands out {@code count} consecutive numbers at once, committed before it returns; the last of
     * them. Runs in its own autocommit statement: the hot path of {@code next}.
     */
    public long reserveNext(Counter counter, int count) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RESERVE_NEXT)) {
            s.setString(1, counter.scope().value());
            s.setLong(2, counter.scopeId());
            s.setString(3, counter.usage());
            s.setLong(4, count);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Raises the counter to at least {@code value}, never lowering it; the counter after. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long track(Counter counter, long value) {
        return ((Number) em.createNativeQuery("""
                        INSERT INTO internal_id (scope, scope_id, usage, last_value) VALUES (:scope, :id, :usage, :value)
                        ON CONFLICT (scope, scope_id, usage) DO UPDATE SET last_value = GREATEST(internal_id.last_value, EXCLUDED.last_value)
                        RETURNING last_value""")
                .setParameter("scope", counter.scope().value()).setParameter("id", counter.scopeId()).setParameter("usage", counter.usage())
                .setParameter("value", value)
                .getSingleResult()).longValue();
    }

    public long lastValue(Counter counter) {
        java.util.List<?> rows = em.createNativeQuery("SELECT last_value FROM internal_id WHERE scope = :scope AND scope_id = :id AND usage = :usage")
                .setParameter("scope", counter.scope().value()).setParameter("id", counter.scopeId()).setParameter("usage", counter.usage())
                .getResultList();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0)).longValue();
    }
}
