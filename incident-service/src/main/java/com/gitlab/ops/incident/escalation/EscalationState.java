package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;

/** An incident's escalation status record, as values: what the service works with, and what the API shows. */
public record EscalationState(EscalationStatusName status, Long policyId, OffsetDateTime escalationsStartedAt,
        OffsetDateTime resolvedAt) {

    /** What an incident starts from when its record is created by a change. */
    public static final EscalationState NEW = new EscalationState(EscalationStatusName.TRIGGERED, null, null, null);
}
