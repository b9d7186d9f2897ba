package com.gitlab.ops.incident.backfill;

import com.gitlab.ops.incident.alert.Alert;
import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationStatus;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.work.PollingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The repair job: every incident linked to an alert gets an escalation status record from its alert
 * (the one updated last). Batched, one transaction per batch that also records the progress, so a
 * crash resumes after the last committed batch. Safe while events flow: it only creates missing
 * records, under the same incident lock the alert sync takes, and leaves existing ones, which the
 * sync keeps correct. {@code rebuild} first deletes every record, as the seed's plan did.
 */
@ApplicationScoped
public class EscalationStatusBackfill {

    private static final Logger LOG = Logger.getLogger(EscalationStatusBackfill.class);

    private final EntityManager em;
    private final EscalationStatusService escalations;
    private final int batchSize;
    private final PollingWorker worker;

    public EscalationStatusBackfill(EntityManager em, EscalationStatusService escalations,
            @ConfigProperty(name = "incident.backfill.batch-size", defaultValue = "500") int batchSize) {
        this.em = em;
        this.escalations = escalations;
        this.batchSize = batchSize;
        this.worker = new PollingWorker("escalation-status-backfill", Duration.ofSeconds(5), this::runPending);
    }

    void start(@Observes StartupEvent event) {
        worker.start(); // Its first poll resumes a job a crash interrupted.
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(10));
    }

    @Transactional
    public BackfillJob start(boolean rebuild) {
        BackfillJob.<BackfillJob>find("state", BackfillJob.RUNNING).firstResultOptional().ifPresent(running -> {
            throw ApiException.conflict("escalation status backfill job " + running.id + " is still running; see /admin/jobs/" + running.id);
        });
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (rebuild) {
            em.createNativeQuery("DELETE FROM pending_escalation").executeUpdate();
            em.createNativeQuery("DELETE FROM escalation_status").executeUpdate();
        }
        BackfillJob job = new BackfillJob();
        job.state = BackfillJob.RUNNING;
        job.rebuild = rebuild;
        job.total = ((Number) em.createNativeQuery("SELECT count(DISTINCT incident_id) FROM alert WHERE incident_id IS NOT NULL")
                .getSingleResult()).longValue();
        job.createdAt = now;
        job.updatedAt = now;
        job.persist();
        // Started after commit by the worker's next run.
        worker.wake();
        return job;
    }

    void runPending() {
        boolean more = true;
        while (more) {
            more = QuarkusTransaction.requiringNew().call(this::runBatch);
        }
    }

    /** Runs one batch of the oldest running job; true while that job has more. */
    private boolean runBatch() {
        Optional<BackfillJob> claimed = BackfillJob.<BackfillJob>find("state = ?1 order by id", BackfillJob.RUNNING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED: another instance has it
                .firstResultOptional();
        if (claimed.isEmpty()) {
            return false;
        }
        BackfillJob job = claimed.get();
        try {
            @SuppressWarnings("unchecked")
            List<Long> incidentIds = em.createNativeQuery("""
                            SELECT DISTINCT incident_id FROM alert
                            WHERE incident_id > :after ORDER BY incident_id LIMIT :batch""", Long.class)
                    .setParameter("after", job.lastIncidentId)
                    .setParameter("batch", batchSize)
                    .getResultList();
            for (Long incidentId : incidentIds) {
                if (repair(incidentId)) {
                    job.created++;
                }
                job.lastIncidentId = incidentId;
            }
            job.done += incidentIds.size();
            job.total = Math.max(job.total, job.done);
            if (incidentIds.size() < batchSize) {
                job.state = BackfillJob.DONE;
                LOG.infof("Escalation status backfill job %d done: %d incidents, %d records written", job.id, job.done, job.created);
            }
        } catch (RuntimeException e) {
            job.state = BackfillJob.FAILED;
            job.error = e.getMessage();
            LOG.errorf(e, "Escalation status backfill job %d failed", job.id);
        }
        job.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return BackfillJob.RUNNING.equals(job.state);
    }

    private boolean repair(long incidentId) {
        Incident incident = Incident.lock(incidentId);
        if (incident == null || EscalationStatus.forIncident(incidentId).isPresent()) {
            return false;
        }
        Alert alert = Alert.<Alert>find("incident = ?1 order by updatedAt desc, id desc", incident).firstResult();
        escalations.change(incident, EscalationChange.fromAlert(EscalationStatusName.ofCode(alert.status), alert.escalationPolicyId),
                EscalationStatusService.Reason.BACKFILL);
        return true;
    }
}
