package com.gitlab.ops.incident.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.gitlab.ops.incident.alert.Alert;
import com.gitlab.ops.incident.escalation.EscalationState;
import com.gitlab.ops.incident.escalation.EscalationStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * An incident as the API shows it. {@code escalation_status} is left out while the flag is off for
 * the project, and is {@code null} while the flag is on and the incident has no record.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncidentView(long projectId, long iid, String title, String severity, OffsetDateTime createdAt,
        List<Long> alertIids, Optional<EscalationState> escalationStatus) {

    public static IncidentView of(Incident incident, boolean showEscalation) {
        Optional<EscalationState> escalation = showEscalation
                ? EscalationStatus.forIncident(incident.id).map(EscalationStatus::state)
                : null;
        return new IncidentView(incident.projectId, incident.iid, incident.title, incident.severity, incident.createdAt,
                Alert.iidsOf(incident), escalation);
    }
}
