package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.incident.policy.EscalationRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;

/** Starts and cancels an incident's escalations: one pending escalation per rule of its policy. */
@ApplicationScoped
public class PendingEscalations {

    @Transactional(Transactional.TxType.MANDATORY)
    public void start(long incidentId, long policyId, OffsetDateTime startedAt) {
        EscalationPolicy policy = EscalationPolicy.findById(policyId);
        if (policy == null) {
            return;
        }
        for (EscalationRule rule : policy.rules) {
            PendingEscalation pending = new PendingEscalation();
            pending.incidentId = incidentId;
            pending.ruleId = rule.id;
            pending.processAt = startedAt.plusSeconds(rule.elapsedTimeSeconds);
            pending.persist();
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void cancel(long incidentId) {
        PendingEscalation.delete("incidentId", incidentId);
    }
}
