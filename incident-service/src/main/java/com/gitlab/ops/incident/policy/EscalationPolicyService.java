package com.gitlab.ops.incident.policy;

import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationStatus;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Creating, finding and deleting a project's escalation policy. */
@ApplicationScoped
public class EscalationPolicyService {

    private final EscalationStatusService escalations;
    private final Clock clock;

    public EscalationPolicyService(EscalationStatusService escalations, Clock clock) {
        this.clock = clock;
        this.escalations = escalations;
    }

    public EscalationPolicy requireInProject(long projectId, long policyId) {
        return EscalationPolicy.findForProject(projectId, policyId)
                .orElseThrow(() -> ApiException.badRequest("escalation policy " + policyId + " does not exist in project " + projectId));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public EscalationPolicy create(long projectId, PolicyRequest request) {
        EscalationPolicy.findByProject(projectId).ifPresent(existing -> {
            throw ApiException.conflict("project " + projectId + " already has escalation policy " + existing.id
                    + "; a project has one policy: delete it first");
        });
        EscalationPolicy policy = new EscalationPolicy();
        policy.projectId = projectId;
        policy.name = request.name().strip();
        policy.description = request.description();
        policy.createdAt = OffsetDateTime.now(clock);
        int position = 0;
        for (PolicyRequest.Rule r : request.rules()) {
            if ((r.userId() == null) == (r.oncallScheduleId() == null)) {
                throw ApiException.badRequest("rule " + (position + 1) + " must name exactly one target: user_id or oncall_schedule_id");
            }
            EscalationRule rule = new EscalationRule();
            rule.policy = policy;
            rule.position = position++;
            rule.status = EscalationStatusName.ofName(r.status()).orElseThrow().code();
            rule.elapsedTimeSeconds = r.elapsedTimeSeconds();
            rule.userId = r.userId();
            rule.oncallScheduleId = r.oncallScheduleId();
            policy.rules.add(rule);
        }
        policy.persist();
        return policy;
    }

    /** Deletes the policy; incidents that used it lose it (their escalations are cancelled), as in GitLab. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(long projectId, long policyId) {
        EscalationPolicy policy = EscalationPolicy.findForProject(projectId, policyId)
                .orElseThrow(() -> ApiException.notFound("escalation policy " + policyId + " does not exist in project " + projectId));
        List<EscalationStatus> using = EscalationStatus.list("policyId", policyId);
        for (EscalationStatus record : using) {
            escalations.change(Incident.lock(record.incidentId), EscalationChange.byUser(Optional.empty(), Optional.of(Optional.empty())),
                    EscalationStatusService.Reason.API);
        }
        policy.delete();
    }
}
