package com.gitlab.ops.incident.policy;

import com.gitlab.ops.incident.escalation.EscalationStatusName;
import java.util.List;

/** An escalation policy as the API shows it. */
public record PolicyView(long id, long projectId, String name, String description, List<RuleView> rules) {

    public record RuleView(EscalationStatusName status, int elapsedTimeSeconds, Long userId, Long oncallScheduleId) {
    }

    public static PolicyView of(EscalationPolicy policy) {
        return new PolicyView(policy.id, policy.projectId, policy.name, policy.description, policy.rules.stream()
                .map(r -> new RuleView(EscalationStatusName.ofCode(r.status), r.elapsedTimeSeconds, r.userId, r.oncallScheduleId))
                .toList());
    }
}
