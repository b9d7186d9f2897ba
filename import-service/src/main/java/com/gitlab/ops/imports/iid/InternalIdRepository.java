package com.gitlab.ops.imports.iid;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The counters, in the database: each operation is one atomic statement on the counter's row, so
 * no number is handed out twice by any number of threads or instances, and none is lost. A counter
 * that does not exist yet starts at the first value asked for (GitLab starts it from the records'
 * highest IID; here the service owns the counter, so there are none before it).
 */
@ApplicationScoped
public class InternalIdRepository {

    /**
     * Every counter of a round trip in one statement, its rows locked in one order (the ORDER BY), so
     * that two instances' round trips never deadlock each other.
     */
    private static final String RESERVE_NEXT = """
            INSERT INTO internal_id (scope, scope_id, usage, last_value)
            SELECT * FROM unnest(?::varchar[], ?::bigint[], ?::varchar[], ?::bigint[]) AS r (scope, scope_id, usage, n)
            ORDER BY scope, scope_id, usage
            ON CONFLICT (scope, scope_id, usage) DO UPDATE SET last_value = internal_id.last_value + EXCLUDED.last_value
            RETURNING scope, scope_id, usage, last_value""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    public InternalIdRepository(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    /**
     * Raises each counter by the numbers asked of it, all in one autocommit statement, committed
     * before it returns: the hot path of {@code next}.
     *
     * @param asked how many consecutive numbers of each counter
     * @return each counter's last value after: the last of its numbers
     */
    public Map<Counter, Long> reserveNext(Map<Counter, Long> asked) throws SQLException {
        int n = asked.size();
        String[] scopes = new String[n];
        Long[] scopeIds = new Long[n];
        String[] usages = new String[n];
        Long[] counts = new Long[n];
        Map<String, Counter> byKey = new HashMap<>(n * 2);
        int i = 0;
        for (Map.Entry<Counter, Long> e : asked.entrySet()) {
            scopes[i] = e.getKey().scope().value();
            scopeIds[i] = e.getKey().scopeId();
            usages[i] = e.getKey().usage();
            counts[i] = e.getValue();
            byKey.put(key(scopes[i], scopeIds[i], usages[i]), e.getKey());
            i++;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RESERVE_NEXT)) {
            s.setArray(1, c.createArrayOf("varchar", scopes));
            s.setArray(2, c.createArrayOf("bigint", scopeIds));
            s.setArray(3, c.createArrayOf("varchar", usages));
            s.setArray(4, c.createArrayOf("bigint", counts));
            Map<Counter, Long> last = new HashMap<>(n * 2);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    last.put(byKey.get(key(rs.getString(1), rs.getLong(2), rs.getString(3))), rs.getLong(4));
                }
            }
            return last;
        }
    }

    private static String key(String scope, long scopeId, String usage) {
        return scope + '/' + scopeId + '/' + usage;
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
