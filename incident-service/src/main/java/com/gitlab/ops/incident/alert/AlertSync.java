package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.incident.IncidentCreator;
import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.platform.event.InvalidEventException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Applies an alert's new state, whatever the flag says: the alert is stored, an incident is created
 * for it when asked, and a linked incident's escalation status follows the alert's status and policy,
 * its record created when missing (built from the alert: its status, policy and creation time), never
 * skipped. That is the fix for the seed bug, where records were
 * saved only while the flag was on.
 */
@ApplicationScoped
public class AlertSync {

    private final IncidentCreator incidents;
    private final EscalationStatusService escalations;
    private final AlertRows rows;

    public AlertSync(IncidentCreator incidents, EscalationStatusService escalations, AlertRows rows) {
        this.incidents = incidents;
        this.escalations = escalations;
        this.rows = rows;
    }

    /**
     * Applies a poll's updates of alerts that touch no incident set-based: their stored rows locked
     * and read in one statement, each alert's updates folded in order onto its row
     * ({@link AlertState#after}), the new states written in one statement. An alert that has an
     * incident, or one that an update of the poll creates or links, is left with all its updates
     * for {@link #apply}, one at a time: those change escalation statuses and publish events, per
     * update. Alerts are independent of each other, so applying the left ones after the rest keeps
     * every alert's order.
     *
     * @return the alerts it left
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<AlertKey> applyTogether(List<AlertUpdated> updates) {
        Map<AlertKey, List<AlertUpdated>> byAlert = new LinkedHashMap<>();
        Set<AlertKey> left = new HashSet<>();
        for (AlertUpdated update : updates) {
            byAlert.computeIfAbsent(AlertKey.of(update), key -> new ArrayList<>()).add(update);
            if (update.createIncident() || update.incidentIid().isPresent()) {
                left.add(AlertKey.of(update));
            }
        }
        byAlert.keySet().removeAll(left);
        Map<AlertKey, AlertState> stored = rows.lock(byAlert.keySet());
        stored.forEach((key, state) -> {
            if (state.incidentId() != null) {
                left.add(key);
                byAlert.remove(key);
            }
        });
        rows.firstWithUnknownPolicy(byAlert.values().stream().flatMap(List::stream).toList()).ifPresent(update -> {
            throw unknownPolicy(update.projectId(), update.escalationPolicyId().orElseThrow());
        });
        List<AlertState> changed = new ArrayList<>(byAlert.size());
        byAlert.forEach((key, alertUpdates) -> AlertState.after(Optional.ofNullable(stored.get(key)), alertUpdates).ifPresent(changed::add));
        rows.upsert(changed);
        return left;
    }

    /**
     * Whether applying the update would create an incident: asked before its transaction, so that
     * the incident's number is taken from import-service outside it. The answer may be stale by
     * then (an earlier event of the batch created it): the number is then left unused, a gap.
     */
    public boolean needsNewIncident(AlertUpdated update) {
        if (!update.createIncident() || update.incidentIid().isPresent()) {
            return false;
        }
        return QuarkusTransaction.requiringNew().call(() -> Alert.findByIid(update.projectId(), update.alertIid())
                .map(alert -> alert.incident == null).orElse(true));
    }

    /** @param incidentIid the number for an incident this update creates, taken before the transaction */
    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(AlertUpdated update, OptionalLong incidentIid) {
        update.escalationPolicyId().ifPresent(policyId -> {
            if (EscalationPolicy.findForProject(update.projectId(), policyId).isEmpty()) {
                throw unknownPolicy(update.projectId(), policyId);
            }
        });
        Optional<Incident> linkTo = update.incidentIid().map(iid -> Incident.lockByIid(update.projectId(), iid)
                .orElseThrow(() -> new InvalidEventException("incident_iid " + iid + " does not exist in project " + update.projectId())));

        EscalationStatusName status = EscalationStatusName.ofName(update.status()).orElseThrow();
        Optional<Alert.Stored> stored = Alert.upsert(update, status.code());
        if (stored.isEmpty()) {
            return; // Stale or repeated state: what is stored is as new or newer.
        }
        Long incidentId = stored.get().incidentId();
        if (linkTo.isPresent() && !linkTo.get().id.equals(incidentId)) {
            incidentId = linkTo.get().id;
            Alert.link(stored.get().id(), linkTo.get());
        } else if (update.createIncident() && incidentId == null) {
            long iid = incidentIid.orElseThrow(() -> new IllegalStateException("alert " + update.alertIid() + " of project "
                    + update.projectId() + " creates an incident, but no number was taken for it"));
            Incident created = incidents.create(update.projectId(), iid, stored.get().projectPath(), update.title(), update.severity());
            incidentId = created.id;
            Alert.link(stored.get().id(), created);
        }

        if (incidentId != null) {
            Incident incident = Incident.lock(incidentId);
            if (incident.projectPath == null) {
                incident.projectPath = stored.get().projectPath();
            }
            // With several alerts on one incident, it follows the one updated last, as the repair job does.
            long followed = Alert.followedBy(incidentId).map(alert -> alert.id).orElse(stored.get().id());
            if (followed == stored.get().id()) {
                escalations.change(incident,
                        EscalationChange.fromAlert(status, update.escalationPolicyId().orElse(null), stored.get().createdAt()),
                        EscalationStatusService.Reason.ALERT_SYNC);
            }
        }
    }

    private static InvalidEventException unknownPolicy(long projectId, long policyId) {
        return new InvalidEventException("escalation_policy_id " + policyId + " is not an escalation policy of project " + projectId
                + "; create it first (POST /api/projects/" + projectId + "/escalation-policies)");
    }
}
