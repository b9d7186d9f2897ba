package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.escalation.EscalationStatusName;
import java.time.OffsetDateTime;

/** An alert as the API shows it, with the incident it is linked to, if any. */
public record AlertView(long projectId, long iid, String title, EscalationStatusName status, String severity,
        Long escalationPolicyId, Long incidentIid, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public static AlertView of(Alert alert) {
        return new AlertView(alert.projectId, alert.iid, alert.title, EscalationStatusName.ofCode(alert.status), alert.severity,
                alert.escalationPolicyId, alert.incident == null ? null : alert.incident.iid, alert.createdAt,
                alert.updatedAt);
    }
}
