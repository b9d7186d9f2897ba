package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.incident.policy.EscalationRule;
import com.gitlab.ops.platform.sql.SetBased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.List;

/** Starts and cancels an incident's escalations: one pending escalation per rule of its policy. */
@ApplicationScoped
public class EscalationScheduler {

    private final EntityManager em;

    public EscalationScheduler(EntityManager em) {
        this.em = em;
    }

    /** @param from when the escalations count from: each falls due {@code elapsed_time_seconds} after it */
    @Transactional(Transactional.TxType.MANDATORY)
    public void start(long incidentId, long policyId, OffsetDateTime from) {
        EscalationPolicy policy = EscalationPolicy.findById(policyId);
        if (policy == null) {
            return;
        }
        for (EscalationRule rule : policy.rules) {
            PendingEscalation pending = new PendingEscalation();
            pending.incidentId = incidentId;
            pending.ruleId = rule.id;
            pending.processAt = from.plusSeconds(rule.elapsedTimeSeconds);
            pending.persist();
        }
    }

    /** Escalations to start: an incident's, by its policy, counting from a time. */
    public record Start(long incidentId, long policyId, OffsetDateTime from) {
    }

    /** {@link #start} for many incidents in one statement. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void startAll(List<Start> starts) {
        if (starts.isEmpty()) {
            return;
        }
        SetBased.run(em, """
                INSERT INTO pending_escalation (incident_id, rule_id, process_at)
                SELECT s.incident_id, r.id, s.from_time + r.elapsed_time_seconds * interval '1 second'
                FROM unnest(?::bigint[], ?::bigint[], ?::timestamptz[]) AS s (incident_id, policy_id, from_time)
                JOIN escalation_rule r ON r.policy_id = s.policy_id
                ORDER BY s.incident_id, r.position""", (connection, statement) -> {
                    statement.setArray(1, SetBased.column(connection, "bigint", starts, Start::incidentId));
                    statement.setArray(2, SetBased.column(connection, "bigint", starts, Start::policyId));
                    statement.setArray(3, SetBased.times(connection, starts, Start::from));
                }, statement -> statement.executeUpdate());
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void cancel(long incidentId) {
        PendingEscalation.delete("incidentId", incidentId);
    }

    /** The incident's kept escalations are checked again at once: its status moved below a rule they were skipped for. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recheckNow(long incidentId) {
        PendingEscalation.update("recheckAt = null where incidentId = ?1 and recheckAt is not null", incidentId);
    }
}
