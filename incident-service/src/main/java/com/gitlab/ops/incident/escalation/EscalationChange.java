package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A requested change of escalation status.
 *
 * @param status         the status to set, if any
 * @param policy         absent: leave the policy; present and empty: clear it; present: set it
 * @param policyTriggers whether setting a new policy re-triggers (a person's change, GitLab's rule).
 *                       An alert's sync copies the alert's status and policy as they are.
 * @param alertCreatedAt for a change from an alert: when the alert was created. A record built from
 *                       the alert starts its escalations there, as GitLab's build service does.
 */
public record EscalationChange(Optional<EscalationStatusName> status, Optional<Optional<Long>> policy, boolean policyTriggers,
        Optional<OffsetDateTime> alertCreatedAt) {

    public static EscalationChange byUser(Optional<EscalationStatusName> status, Optional<Optional<Long>> policy) {
        return new EscalationChange(status, policy, true, Optional.empty());
    }

    public static EscalationChange fromAlert(EscalationStatusName status, Long policyId, OffsetDateTime alertCreatedAt) {
        return new EscalationChange(Optional.of(status), Optional.of(Optional.ofNullable(policyId)), false, Optional.of(alertCreatedAt));
    }
}
