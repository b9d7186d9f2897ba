package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.escalation.EscalationFlag;
import com.gitlab.ops.incident.escalation.EscalationStatus;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.policy.EscalationRule;
import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.outbox.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Checks escalations that fell due, as GitLab's {@code PendingEscalations::ProcessService} does. The
 * due rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so two instances never check the same one.
 *
 * <ul>
 * <li>The incident is gone, closed, or without a record: the escalation goes.</li>
 * <li>The status is at or past the rule's: kept, and checked again after the recheck interval (GitLab's
 * cron, every minute), or at once when the status moves down. Acknowledged at 120 s for a rule of
 * 300 s, back to triggered at 600 s: the page goes out then.</li>
 * <li>The flag is off for the project: held, not dropped, and checked again after the held interval;
 * once the flag is on it pages if the incident is still open and the rule still applies.</li>
 * <li>Otherwise it pages, and goes (a page is sent once per rule).</li>
 * </ul>
 * An escalation a month past due is no longer checked and is deleted (GitLab's {@code processable} scope).
 */
@ApplicationScoped
public class DueEscalationProcessor {

    private static final Logger LOG = Logger.getLogger(DueEscalationProcessor.class);
    private static final int BATCH = 100;

    private final EntityManager em;
    private final EscalationFlag flag;
    private final Outbox outbox;
    private final Clock clock;
    private final Duration recheckInterval;
    private final Duration heldInterval;
    private final Counter held;
    private final Counter pagedAfterHold;

    public DueEscalationProcessor(EntityManager em, EscalationFlag flag, Outbox outbox, MeterRegistry registry, Clock clock,
            @ConfigProperty(name = "incident.escalations.recheck-interval", defaultValue = "PT1M") Duration recheckInterval,
            @ConfigProperty(name = "incident.escalations.held-recheck-interval", defaultValue = "PT5S") Duration heldInterval) {
        this.em = em;
        this.flag = flag;
        this.outbox = outbox;
        this.clock = clock;
        this.recheckInterval = recheckInterval;
        this.heldInterval = heldInterval;
        this.held = Counter.builder("incident.escalations.held")
                .description("Escalations that fell due while the flag was off for their project, kept for when it is on")
                .register(registry);
        this.pagedAfterHold = Counter.builder("incident.escalations.paged.after.hold")
                .description("Held escalations that paged once the flag was on, the incident still open and the rule still applying")
                .register(registry);
    }

    // Nothing wakes it: what falls due is found by the next run (GitLab's cron runs every minute). Not
    // while shutting down: the database is gone by then, and each run logged that it failed.
    @Scheduled(identity = "due-escalations", every = "${incident.escalations.poll-interval:PT1S}",
            concurrentExecution = ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void processDue() {
        try {
            int processed;
            do {
                processed = QuarkusTransaction.requiringNew().call(this::processBatch);
            } while (processed == BATCH);
        } catch (RuntimeException e) {
            // The database is away, say: nothing was lost, the next run checks again.
            LOG.warnf("Checking due escalations failed, tried again at the next run: %s", Causes.describe(e));
        }
    }

    /** Retention, not the due check: escalations a month past due are no longer checked (below), and go. */
    @Scheduled(identity = "month-old-escalations", every = "10m", concurrentExecution = ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void deleteMonthOld() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "DELETE FROM pending_escalation WHERE process_at <= CAST(:now AS timestamptz) - interval '1 month'")
                .setParameter("now", OffsetDateTime.now(clock)).executeUpdate());
    }

    private int processBatch() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        @SuppressWarnings("unchecked")
        List<PendingEscalation> due = em.createNativeQuery("""
                        SELECT * FROM pending_escalation
                        WHERE COALESCE(recheck_at, process_at) <= :now AND process_at > CAST(:now AS timestamptz) - interval '1 month'
                        ORDER BY COALESCE(recheck_at, process_at) LIMIT :batch FOR UPDATE SKIP LOCKED""", PendingEscalation.class)
                .setParameter("now", now).setParameter("batch", BATCH).getResultList();
        for (PendingEscalation escalation : due) {
            check(escalation, now);
        }
        return due.size();
    }

    private void check(PendingEscalation escalation, OffsetDateTime now) {
        Incident incident = Incident.findById(escalation.incidentId);
        EscalationRule rule = EscalationRule.findById(escalation.ruleId);
        Optional<EscalationStatus> status = EscalationStatus.forIncident(escalation.incidentId);
        if (incident == null || rule == null || status.isEmpty() || !status.get().state().status().isOpen()) {
            escalation.delete();
            return;
        }
        if (status.get().status >= rule.status) {
            escalation.recheckAt = now.plus(recheckInterval);
            return;
        }
        if (!flag.isOn(incident.projectId, incident.projectPath)) {
            if (escalation.heldSince == null) {
                escalation.heldSince = now;
                held.increment();
            }
            escalation.recheckAt = now.plus(heldInterval);
            return;
        }
        if (escalation.heldSince != null) {
            pagedAfterHold.increment();
        }
        page(incident, rule, now);
        escalation.delete();
    }

    private void page(Incident incident, EscalationRule rule, OffsetDateTime now) {
        IncidentPage page = new IncidentPage();
        page.incidentId = incident.id;
        page.policyId = rule.policy.id;
        page.ruleStatus = rule.status;
        page.elapsedTimeSeconds = rule.elapsedTimeSeconds;
        page.userId = rule.userId;
        page.oncallScheduleId = rule.oncallScheduleId;
        page.pagedAt = now;
        page.persist();
        outbox.publish(IncidentPaged.TOPIC, Long.toString(incident.projectId), IncidentPaged.TYPE,
                new IncidentPaged(incident.projectId, incident.iid, rule.policy.id,
                        new IncidentPaged.Rule(EscalationStatusName.ofCode(rule.status), rule.elapsedTimeSeconds),
                        rule.userId, rule.oncallScheduleId));
    }
}
