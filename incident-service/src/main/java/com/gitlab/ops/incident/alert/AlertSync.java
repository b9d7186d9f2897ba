package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.incident.IncidentCreator;
import com.gitlab.ops.incident.policy.EscalationPolicy;
import com.gitlab.ops.platform.event.InvalidEventException;
import com.gitlab.ops.platform.tracing.TraceContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
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

    /** An update of a poll, the number of the incident it creates if it does, and the trace of its event. */
    public record Incoming(AlertUpdated update, OptionalLong incidentIid, TraceContext trace) {
    }

    /**
     * Applies a poll's updates set-based where one at a time would give the same: the stored rows of
     * its alerts locked and read in one statement, each alert's updates folded in order onto its row
     * ({@link AlertState#after}), the new states written in one statement; and an alert's one update
     * of the poll that creates its incident creates it with the others', in one statement each for
     * the incidents, the links, the records, the escalations and the events. An alert that has an
     * incident, is linked to one, or creates one among other updates of the poll, is left with all
     * its updates for {@link #apply}, one at a time: those change escalation statuses and publish
     * events per update. Alerts are independent of each other, so applying the left ones after the
     * rest keeps every alert's order, and every incident's events stay in its order; the events of
     * different incidents of a project may come out in another order than one at a time would give.
     *
     * @return the alerts it left
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<AlertKey> applyTogether(List<Incoming> updates) {
        Map<AlertKey, List<Incoming>> byAlert = new LinkedHashMap<>();
        for (Incoming incoming : updates) {
            byAlert.computeIfAbsent(AlertKey.of(incoming.update()), key -> new ArrayList<>()).add(incoming);
        }
        Set<AlertKey> left = new HashSet<>();
        byAlert.forEach((key, alertUpdates) -> {
            boolean links = alertUpdates.stream().anyMatch(incoming -> incoming.update().incidentIid().isPresent());
            boolean creates = alertUpdates.stream().anyMatch(incoming -> incoming.update().createIncident());
            if (links || creates && (alertUpdates.size() > 1 || alertUpdates.get(0).incidentIid().isEmpty())) {
                left.add(key);
            }
        });
        byAlert.keySet().removeAll(left);
        Map<AlertKey, AlertState> stored = rows.lock(byAlert.keySet());
        stored.forEach((key, state) -> {
            if (state.incidentId() != null) {
                left.add(key);
                byAlert.remove(key);
            }
        });
        rows.firstWithUnknownPolicy(byAlert.values().stream().flatMap(List::stream).map(Incoming::update).toList()).ifPresent(update -> {
            throw unknownPolicy(update.projectId(), update.escalationPolicyId().orElseThrow());
        });

        Map<AlertKey, AlertState> changed = new LinkedHashMap<>();
        byAlert.forEach((key, alertUpdates) -> AlertState.after(Optional.ofNullable(stored.get(key)),
                alertUpdates.stream().map(Incoming::update).toList()).ifPresent(state -> changed.put(key, state)));
        Map<AlertKey, AlertRows.Written> written = rows.upsert(changed.values());

        // What is left of the creating ones: a stale update stores nothing and creates nothing.
        List<Incoming> creating = byAlert.values().stream().map(alertUpdates -> alertUpdates.get(0))
                .filter(incoming -> incoming.update().createIncident() && written.containsKey(AlertKey.of(incoming.update()))).toList();
        List<Long> incidentIds = incidents.createAll(creating.stream().map(incoming -> new IncidentCreator.NewIncident(
                incoming.update().projectId(), incoming.incidentIid().orElseThrow(), written.get(AlertKey.of(incoming.update())).projectPath(),
                incoming.update().title(), incoming.update().severity())).toList());
        Map<Long, Long> links = new HashMap<>(creating.size() * 2);
        List<EscalationStatusService.FromAlert> records = new ArrayList<>(creating.size());
        for (int i = 0; i < creating.size(); i++) {
            Incoming incoming = creating.get(i);
            AlertState alert = changed.get(AlertKey.of(incoming.update()));
            // As stored (PostgreSQL keeps microseconds): the record and its event say what the alert row says.
            AlertRows.Written row = written.get(alert.key());
            links.put(row.id(), incidentIds.get(i));
            records.add(new EscalationStatusService.FromAlert(incidentIds.get(i), alert.key().projectId(), incoming.incidentIid().orElseThrow(),
                    alert.key().iid(), EscalationChange.fromAlert(EscalationStatusName.ofName(alert.status()).orElseThrow(), alert.policyId(),
                            row.createdAt()), incoming.trace()));
        }
        rows.link(links);
        escalations.createFromAlerts(records);
        return left;
    }

    /**
     * Of these updates, the ones that would create an incident, asked for all of them in one query
     * before their transaction, so that the incidents' numbers are taken from import-service outside
     * it. An answer may be stale by then (an earlier event of the poll created the incident): the
     * number is then left unused, a gap.
     */
    public List<AlertUpdated> needingNewIncidents(List<AlertUpdated> updates) {
        List<AlertUpdated> asking = updates.stream().filter(update -> update.createIncident() && update.incidentIid().isEmpty()).toList();
        if (asking.isEmpty()) {
            return List.of();
        }
        Map<AlertKey, AlertState> stored = QuarkusTransaction.requiringNew().call(() -> rows.read(asking.stream().map(AlertKey::of).toList()));
        return asking.stream().filter(update -> {
            AlertState alert = stored.get(AlertKey.of(update));
            return alert == null || alert.incidentId() == null;
        }).toList();
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
        Optional<AlertRows.Written> stored = Optional.ofNullable(rows.upsert(List.of(AlertState.of(update))).get(AlertKey.of(update)));
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
