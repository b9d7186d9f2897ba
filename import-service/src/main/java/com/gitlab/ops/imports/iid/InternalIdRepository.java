package com.gitlab.ops.imports.iid;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The counters, in the database: each operation is one atomic statement on the counter's row, so
 * no number is handed out twice by any number of threads or instances, and none is lost. A counter
 * that does not exist yet starts at the first value asked for (GitLab starts it from the records'
 * highest IID; here the service owns the counter, so there are none before it). The hot path of
 * {@code next} is {@link ReserveRoundTrip}.
 */
@ApplicationScoped
public class InternalIdRepository {

    private final EntityManager em;

    public InternalIdRepository(EntityManager em) {
        this.em = em;
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
