package com.gitlab.ops.incident.escalation;

import java.util.Optional;

/**
 * A requested change of escalation status.
 *
 * @param status         the status to set, if any
 * @param policy         absent: leave the policy; present and empty: clear it; present: set it
 * @param policyTriggers whether setting a new policy re-triggers (a person's change, GitLab's rule).
 *                       An alert's sync copies the alert's status and policy as they are.
 */
public record EscalationChange(Optional<EscalationStatusName> status, Optional<Optional<Long>> policy, boolean policyTriggers) {

    public static EscalationChange byUser(Optional<EscalationStatusName> status, Optional<Optional<Long>> policy) {
        return new EscalationChange(status, policy, true);
    }

    public static EscalationChange fromAlert(EscalationStatusName status, Long policyId) {
        return new EscalationChange(Optional.of(status), Optional.of(Optional.ofNullable(policyId)), false);
    }
}
