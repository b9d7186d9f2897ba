package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.incident.policy.EscalationRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;

/** Starts and cancels an incident's escalations: one pending escalation per rule of its policy. */
@ApplicationScoped
public class EscalationScheduler {

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
