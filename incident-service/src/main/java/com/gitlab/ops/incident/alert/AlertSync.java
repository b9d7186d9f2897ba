package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.incident.IncidentCreator;
import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.platform.event.InvalidEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/**
 * Applies an alert's new state, whatever the flag says: the alert is stored, an incident is created
 * for it when asked, and a linked incident's escalation status follows the alert's status and policy,
 * its record created when missing, never skipped. That is the fix for the seed bug, where records were
 * saved only while the flag was on.
 */
@ApplicationScoped
public class AlertSync {

    private final IncidentCreator incidents;
    private final EscalationStatusService escalations;

    public AlertSync(IncidentCreator incidents, EscalationStatusService escalations) {
        this.incidents = incidents;
        this.escalations = escalations;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(AlertUpdated update) {
        update.escalationPolicyId().ifPresent(policyId -> {
            if (EscalationPolicy.findForProject(update.projectId(), policyId).isEmpty()) {
                throw new InvalidEventException("escalation_policy_id " + policyId + " is not an escalation policy of project "
                        + update.projectId() + "; create it first (POST /api/projects/" + update.projectId() + "/escalation-policies)");
            }
        });
        Optional<Incident> linkTo = update.incidentIid().map(iid -> Incident.lockByIid(update.projectId(), iid)
                .orElseThrow(() -> new InvalidEventException("incident_iid " + iid + " does not exist in project " + update.projectId())));

        Optional<Alert> existing = Alert.lockByIid(update.projectId(), update.alertIid());
        if (existing.isPresent() && !update.updatedAt().isAfter(existing.get().updatedAt)) {
            return; // Stale or repeated state: what is stored is as new or newer.
        }
        Alert alert = existing.orElseGet(Alert::new);
        alert.projectId = update.projectId();
        alert.iid = update.alertIid();
        alert.projectPath = update.projectPath().orElse(alert.projectPath);
        alert.title = update.title();
        alert.status = EscalationStatusName.ofName(update.status()).orElseThrow().code();
        alert.severity = update.severity();
        alert.escalationPolicyId = update.escalationPolicyId().orElse(null);
        alert.updatedAt = update.updatedAt();
        if (linkTo.isPresent()) {
            alert.incident = linkTo.get();
        } else if (update.createIncident() && alert.incident == null) {
            alert.incident = incidents.create(alert.projectId, alert.projectPath, alert.title, alert.severity);
        }
        if (existing.isEmpty()) {
            alert.persist();
        }

        if (alert.incident != null) {
            Incident incident = Incident.lock(alert.incident.id);
            if (incident.projectPath == null) {
                incident.projectPath = alert.projectPath;
            }
            escalations.change(incident,
                    EscalationChange.fromAlert(EscalationStatusName.ofCode(alert.status), alert.escalationPolicyId),
                    EscalationStatusService.Reason.ALERT_SYNC);
        }
    }
}
