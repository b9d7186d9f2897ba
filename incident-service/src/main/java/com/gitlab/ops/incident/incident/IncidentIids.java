package com.gitlab.ops.incident.incident;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Hands out incident IIDs per project: one atomic statement, so never the same number twice. */
@ApplicationScoped
public class IncidentIids {

    private final EntityManager em;

    public IncidentIids(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public long next(long projectId) {
        return ((Number) em.createNativeQuery("""
                        INSERT INTO incident_iid_counter (project_id, last_value) VALUES (:project, 1)
                        ON CONFLICT (project_id) DO UPDATE SET last_value = incident_iid_counter.last_value + 1
                        RETURNING last_value""")
                .setParameter("project", projectId)
                .getSingleResult()).longValue();
    }
}
