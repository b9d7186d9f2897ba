package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.escalation.EscalationFlag;
import com.gitlab.ops.incident.escalation.EscalationStatus;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.policy.EscalationRule;
import com.gitlab.ops.platform.outbox.Outbox;
import com.gitlab.ops.platform.work.PollingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fires escalations that fell due. The due rows are claimed in the database with
 * {@code FOR UPDATE SKIP LOCKED}, so two instances never fire the same one. Each due escalation
 * pages its target when the incident's status is still below the rule's and the flag is on for the
 * project; either way it is then done, as in GitLab (a page is due once).
 */
@ApplicationScoped
public class DueEscalationProcessor {

    private static final int BATCH = 100;

    private final EntityManager em;
    private final EscalationFlag flag;
    private final Outbox outbox;
    private final PollingWorker worker;

    public DueEscalationProcessor(EntityManager em, EscalationFlag flag, Outbox outbox,
            @ConfigProperty(name = "incident.escalations.poll-interval", defaultValue = "PT0.5S") Duration pollInterval) {
        this.em = em;
        this.flag = flag;
        this.outbox = outbox;
        this.worker = new PollingWorker("due-escalations", pollInterval, this::processDue);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(10));
    }

    void processDue() {
        int processed;
        do {
            processed = QuarkusTransaction.requiringNew().call(this::processBatch);
        } while (processed == BATCH);
    }

    private int processBatch() {
        @SuppressWarnings("unchecked")
        List<PendingEscalation> due = em.createNativeQuery("""
                        SELECT * FROM pending_escalation WHERE process_at <= now()
                        ORDER BY process_at LIMIT :batch FOR UPDATE SKIP LOCKED""", PendingEscalation.class)
                .setParameter("batch", BATCH).getResultList();
        for (PendingEscalation escalation : due) {
            fire(escalation);
            escalation.delete();
        }
        return due.size();
    }

    private void fire(PendingEscalation escalation) {
        Incident incident = Incident.findById(escalation.incidentId);
        EscalationRule rule = EscalationRule.findById(escalation.ruleId);
        Optional<EscalationStatus> status = EscalationStatus.forIncident(escalation.incidentId);
        if (incident == null || rule == null || status.isEmpty() || status.get().status >= rule.status) {
            return;
        }
        if (!flag.isOn(incident.projectId, incident.projectPath)) {
            return;
        }
        IncidentPage page = new IncidentPage();
        page.incidentId = incident.id;
        page.policyId = rule.policy.id;
        page.ruleStatus = rule.status;
        page.elapsedTimeSeconds = rule.elapsedTimeSeconds;
        page.userId = rule.userId;
        page.oncallScheduleId = rule.oncallScheduleId;
        page.pagedAt = OffsetDateTime.now(ZoneOffset.UTC);
        page.persist();
        outbox.publish(IncidentPaged.TOPIC, Long.toString(incident.projectId), IncidentPaged.TYPE,
                new IncidentPaged(incident.projectId, incident.iid, rule.policy.id,
                        new IncidentPaged.Rule(EscalationStatusName.ofCode(rule.status), rule.elapsedTimeSeconds),
                        rule.userId, rule.oncallScheduleId));
    }
}
