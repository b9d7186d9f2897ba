package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;

/** An escalation status record as the API shows it. */
public record EscalationStatusView(EscalationStatusName status, Long policyId, OffsetDateTime escalationsStartedAt,
        OffsetDateTime resolvedAt) {

    public static EscalationStatusView of(EscalationState state) {
        return new EscalationStatusView(state.status(), state.policyId(), state.escalationsStartedAt(), state.resolvedAt());
    }
}
