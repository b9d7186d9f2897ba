package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;
import java.util.List;

/** The data of {@code incident.escalation_status.changed}, as contracts.md gives it. */
public record EscalationStatusChanged(long projectId, long incidentIid, EscalationStatusName status, Long policyId,
        OffsetDateTime escalationsStartedAt, OffsetDateTime resolvedAt, List<Long> alertIids, String reason) {

    public static final String TYPE = "incident.escalation_status.changed";
    public static final String TOPIC = "incident-escalations";
}
