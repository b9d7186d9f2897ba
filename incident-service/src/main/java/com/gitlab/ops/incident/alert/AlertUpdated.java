package com.gitlab.ops.incident.alert;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.event.EventData;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;

/** An {@code alert.updated} event's data, validated against the contract. */
public record AlertUpdated(long projectId, Optional<String> projectPath, long alertIid, String title, String status,
        String severity, Optional<Long> escalationPolicyId, boolean createIncident, Optional<Long> incidentIid,
        OffsetDateTime updatedAt, Optional<OffsetDateTime> createdAt) {

    public static final Set<String> STATUSES = Set.of("triggered", "acknowledged", "resolved", "ignored");
    public static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low", "info", "unknown");

    public static AlertUpdated from(CloudEvent event) {
        EventData data = event.fields();
        return new AlertUpdated(
                data.requiredId("project_id"),
                data.optionalText("project_path", 255),
                data.requiredId("alert_iid"),
                data.requiredText("title", 255),
                data.requiredEnum("status", STATUSES),
                data.optionalEnum("severity", SEVERITIES).orElse("unknown"),
                data.optionalId("escalation_policy_id"),
                data.optionalBoolean("create_incident"),
                data.optionalId("incident_iid"),
                data.requiredTime("updated_at"),
                data.optionalTime("created_at"));
    }
}
