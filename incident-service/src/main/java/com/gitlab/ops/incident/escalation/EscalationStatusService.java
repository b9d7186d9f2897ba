package com.gitlab.ops.incident.escalation;

import com.gitlab.ops.incident.alert.Alert;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.paging.EscalationScheduler;
import com.gitlab.ops.platform.outbox.Outbox;
import com.gitlab.ops.platform.sql.SetBased;
import com.gitlab.ops.platform.time.Timestamps;
import com.gitlab.ops.platform.tracing.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Changes an incident's escalation status record by GitLab's rules, creating it when missing, and
 * publishes every change through the outbox in the same transaction. The flag does not gate this:
 * records stay correct while it is off.
 */
@ApplicationScoped
public class EscalationStatusService {

    /** Why a record changed, as the event says. */
    public enum Reason {
        ALERT_SYNC, API, BACKFILL, REBUILD;

        public String value() {
            return name().toLowerCase();
        }
    }

    private final EscalationScheduler pending;
    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager em;

    public EscalationStatusService(EscalationScheduler pending, Outbox outbox, Clock clock, EntityManager em) {
        this.pending = pending;
        this.outbox = outbox;
        this.clock = clock;
        this.em = em;
    }

    /** A new incident's first record, built from the alert that created it, and the trace of the alert's event. */
    public record FromAlert(long incidentId, long projectId, long incidentIid, long alertIid, EscalationChange change, TraceContext trace) {
    }

    /**
     * The first records of incidents alerts just created, in one statement each for the records,
     * their escalations and their events: what {@link #change} does for each, with
     * {@link Reason#ALERT_SYNC}, for an incident that has no record and one alert.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void createFromAlerts(List<FromAlert> created) {
        if (created.isEmpty()) {
            return;
        }
        OffsetDateTime now = Timestamps.now(clock);
        List<EscalationRules.Outcome> outcomes = created.stream().map(record -> EscalationRules.apply(null, record.change(), now)).toList();
        List<Integer> all = java.util.stream.IntStream.range(0, created.size()).boxed().toList();
        SetBased.run(em, """
                INSERT INTO escalation_status (incident_id, status, policy_id, escalations_started_at, resolved_at, updated_at)
                SELECT r.*, ? FROM unnest(?::bigint[], ?::smallint[], ?::bigint[], ?::timestamptz[], ?::timestamptz[])
                                   AS r (incident_id, status, policy_id, escalations_started_at, resolved_at)""", (connection, statement) -> {
                    statement.setObject(1, now);
                    statement.setArray(2, SetBased.column(connection, "bigint", all, i -> created.get(i).incidentId()));
                    statement.setArray(3, SetBased.column(connection, "smallint", all, i -> outcomes.get(i).state().status().code()));
                    statement.setArray(4, SetBased.column(connection, "bigint", all, i -> outcomes.get(i).state().policyId()));
                    statement.setArray(5, SetBased.times(connection, all, i -> outcomes.get(i).state().escalationsStartedAt()));
                    statement.setArray(6, SetBased.times(connection, all, i -> outcomes.get(i).state().resolvedAt()));
                }, statement -> statement.executeUpdate());
        pending.startAll(all.stream().filter(i -> outcomes.get(i).startPending())
                .map(i -> new EscalationScheduler.Start(created.get(i).incidentId(), outcomes.get(i).state().policyId(), outcomes.get(i).pendingFrom()))
                .toList());
        outbox.publishEach(EscalationStatusChanged.TOPIC, EscalationStatusChanged.TYPE, all.stream().map(i -> {
            FromAlert record = created.get(i);
            EscalationState state = outcomes.get(i).state();
            return new Outbox.Outgoing(Long.toString(record.projectId()), new EscalationStatusChanged(record.projectId(), record.incidentIid(),
                    state.status(), state.policyId(), state.escalationsStartedAt(), state.resolvedAt(), List.of(record.alertIid()),
                    Reason.ALERT_SYNC.value()), record.trace());
        }).toList());
    }

    /**
     * Applies the change to a locked incident. The first update of an incident an alert created, while
     * it has no record, builds the record from the alert it follows first, then applies the update
     * (GitLab's {@code PrepareUpdateService}), all as one change and one event.
     *
     * @return the record after the change
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public EscalationState change(Incident incident, EscalationChange change, Reason reason) {
        // Microseconds: what PostgreSQL keeps, so that the event says exactly what is stored.
        OffsetDateTime now = Timestamps.now(clock);
        Optional<EscalationStatus> existing = EscalationStatus.forIncident(incident.id);
        List<EscalationRules.Outcome> steps = new ArrayList<>();
        EscalationState before = existing.map(EscalationStatus::state).orElse(null);
        if (before == null && change.alertCreatedAt().isEmpty()) {
            Alert.followedBy(incident.id).ifPresent(alert -> steps.add(EscalationRules.apply(null, EscalationChange.fromAlert(
                    EscalationStatusName.ofCode(alert.status), alert.escalationPolicyId, alert.createdAt), now)));
            before = steps.isEmpty() ? null : steps.get(0).state();
        }
        steps.add(EscalationRules.apply(before, change, now));
        EscalationState state = steps.get(steps.size() - 1).state();
        if (steps.stream().noneMatch(EscalationRules.Outcome::changed)) {
            return state;
        }
        EscalationStatus record = existing.orElseGet(() -> {
            EscalationStatus created = new EscalationStatus();
            created.incidentId = incident.id;
            return created;
        });
        record.set(state, now);
        if (existing.isEmpty()) {
            record.persist();
        }
        for (EscalationRules.Outcome step : steps) {
            if (step.cancelPending()) {
                pending.cancel(incident.id);
            }
            // The repair job writes records for incidents that lacked one; it does not page for the past.
            if (step.startPending() && reason != Reason.BACKFILL) {
                pending.start(incident.id, step.state().policyId(), step.pendingFrom());
            }
            if (step.recheckPending()) {
                pending.recheckNow(incident.id);
            }
        }
        outbox.publish(EscalationStatusChanged.TOPIC, Long.toString(incident.projectId), EscalationStatusChanged.TYPE,
                new EscalationStatusChanged(incident.projectId, incident.iid, state.status(), state.policyId(),
                        state.escalationsStartedAt(), state.resolvedAt(), Alert.iidsOf(incident), reason.value()));
        return state;
    }
}
