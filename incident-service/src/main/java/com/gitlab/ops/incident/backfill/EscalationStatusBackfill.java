package com.gitlab.ops.incident.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.incident.escalation.EscalationRules;
import com.gitlab.ops.incident.escalation.EscalationStatusChanged;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.outbox.Outbox;
import com.gitlab.ops.platform.time.Timestamps;
import com.gitlab.ops.platform.work.AfterCommit;
import com.gitlab.ops.platform.work.PollingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The repair job: every incident linked to an alert gets an escalation status record from its alert
 * (the one updated last). The incidents are split into slices, one per worker, each worked through in
 * batches by incident id range: one set-based statement and one transaction per batch that also
 * records the slice's progress, so a crash resumes after each slice's last committed batch.
 * Safe while events flow: it only creates missing records, under the same incident lock the alert
 * sync takes, and leaves existing ones, which the sync keeps correct. {@code rebuild} first deletes every
 * record, as the seed's plan did; it is a change like any other: every record removed and every record
 * made again is published with reason {@code rebuild}, and a remade record with a policy and an open
 * status starts its escalations again, from now.
 */
@ApplicationScoped
public class EscalationStatusBackfill {

    private static final Logger LOG = Logger.getLogger(EscalationStatusBackfill.class);
    private static final int MAX_ATTEMPTS = 5;

    private final EntityManager em;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final int batchSize;
    private final int slices;
    private final Clock clock;
    private final AfterCommit afterCommit;
    private final List<PollingWorker> workers;

    public EscalationStatusBackfill(EntityManager em, Outbox outbox, ObjectMapper mapper, Clock clock, AfterCommit afterCommit,
            @ConfigProperty(name = "incident.backfill.batch-size", defaultValue = "10000") int batchSize,
            @ConfigProperty(name = "incident.backfill.workers", defaultValue = "2") int workers,
            @ConfigProperty(name = "incident.backfill.poll-interval", defaultValue = "PT5S") Duration pollInterval) {
        this.em = em;
        this.clock = clock;
        this.outbox = outbox;
        this.mapper = mapper;
        this.afterCommit = afterCommit;
        this.batchSize = batchSize;
        if (workers < 1) {
            throw new IllegalArgumentException("incident.backfill.workers must be at least 1, not " + workers);
        }
        this.slices = workers;
        this.workers = IntStream.rangeClosed(1, workers)
                .mapToObj(n -> new PollingWorker("escalation-status-backfill-" + n, pollInterval, new SliceWorker()))
                .toList();
    }

    void start(@Observes StartupEvent event) {
        workers.forEach(PollingWorker::start); // Their first poll resumes a job a crash interrupted.
    }

    void stop(@Observes ShutdownEvent event) {
        workers.forEach(worker -> worker.stop(Duration.ofSeconds(10)));
    }

    @Transactional
    public BackfillJob start(boolean rebuild) {
        BackfillJob.<BackfillJob>find("state", BackfillJob.RUNNING).firstResultOptional().ifPresent(running -> {
            throw ApiException.conflict("escalation status backfill job " + running.id + " is still running; see /admin/jobs/" + running.id);
        });
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (rebuild) {
            removeAll();
        }
        // The incidents with alerts, in slices of about as many each, one per worker.
        @SuppressWarnings("unchecked")
        List<Object[]> shares = em.createNativeQuery("""
                        SELECT max(incident_id), count(*) FROM (
                            SELECT incident_id, ntile(:slices) OVER (ORDER BY incident_id) AS slice
                            FROM (SELECT DISTINCT incident_id FROM alert WHERE incident_id IS NOT NULL) AS incidents) AS sliced
                        GROUP BY slice ORDER BY slice""")
                .setParameter("slices", slices)
                .getResultList();
        BackfillJob job = new BackfillJob();
        job.state = BackfillJob.RUNNING;
        job.rebuild = rebuild;
        job.total = shares.stream().mapToLong(share -> ((Number) share[1]).longValue()).sum();
        job.createdAt = now;
        job.updatedAt = now;
        job.persist();
        long after = 0;
        for (int n = 0; n < Math.max(1, shares.size()); n++) {
            BackfillSlice slice = new BackfillSlice();
            slice.jobId = job.id;
            slice.slice = n;
            slice.lastIncidentId = after;
            // The last slice has no end, as the job had none before slices: incidents created while
            // it runs are looked at too (the sync gave them records, which the job leaves alone).
            slice.upTo = n < shares.size() - 1 ? ((Number) shares.get(n)[0]).longValue() : null;
            slice.persist();
            after = slice.upTo == null ? after : slice.upTo;
        }
        // Woken once the job is committed: woken before, a worker could look before the commit,
        // find no job and sleep a whole poll interval (seen: 5 s of a million-incident job's 59).
        afterCommit.run(() -> workers.forEach(PollingWorker::wake));
        return job;
    }

    /** One worker: batches of whichever slice of a running job no other worker holds. */
    private final class SliceWorker implements Runnable {

        private int failures; // consecutive, of this worker's batches only

        @Override
        public void run() {
            try {
                QuarkusTransaction.requiringNew().run(EscalationStatusBackfill.this::adoptJobsWithoutSlices);
                while (QuarkusTransaction.requiringNew().call(EscalationStatusBackfill.this::runBatch)) {
                    failures = 0;
                }
                failures = 0;
            } catch (RuntimeException e) {
                // A deadlock with the alert sync or a database outage passes: the next poll retries the
                // batch. An error that stays fails the job, with the reason on it.
                failures++;
                boolean giveUp = failures >= MAX_ATTEMPTS;
                String reason = Causes.root(e).getMessage();
                LOG.warnf("Escalation status backfill batch failed (attempt %d of %d): %s", failures, MAX_ATTEMPTS, reason);
                // One statement, not the entity: written whole, it would put back the figures another
                // worker's batch added since it was read.
                QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                                UPDATE admin_job SET error = :reason, updated_at = :now,
                                    state = CASE WHEN :give_up THEN :failed ELSE state END
                                WHERE kind = :kind AND state = :running""")
                        .setParameter("reason", reason).setParameter("now", OffsetDateTime.now(clock)).setParameter("give_up", giveUp)
                        .setParameter("failed", BackfillJob.FAILED).setParameter("kind", BackfillJob.KIND).setParameter("running", BackfillJob.RUNNING)
                        .executeUpdate());
                if (giveUp) {
                    failures = 0;
                }
            }
        }
    }

    /**
     * A job an instance of the release before slices started (during the rolling deploy that brings
     * them) has no slice: it goes on as one, from that instance's progress.
     */
    private void adoptJobsWithoutSlices() {
        em.createNativeQuery("""
                        INSERT INTO backfill_slice (job_id, slice, last_incident_id)
                        SELECT j.id, 0, j.last_incident_id FROM admin_job j
                        WHERE j.kind = :kind AND j.state = :running
                          AND NOT EXISTS (SELECT 1 FROM backfill_slice s WHERE s.job_id = j.id)
                        ON CONFLICT DO NOTHING""")
                .setParameter("kind", BackfillJob.KIND).setParameter("running", BackfillJob.RUNNING)
                .executeUpdate();
    }

    /** Runs one batch of the first slice of a running job that no other worker holds; true if there was one. */
    private boolean runBatch() {
        Optional<BackfillSlice> claimed = BackfillSlice.<BackfillSlice>find(
                        "done = false and jobId in (select j.id from BackfillJob j where j.state = ?1) order by jobId, slice", BackfillJob.RUNNING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED: another worker has it
                .firstResultOptional();
        if (claimed.isEmpty()) {
            return false;
        }
        BackfillSlice slice = claimed.get();
        BackfillJob job = BackfillJob.findById(slice.jobId);
        Object[] range = (Object[]) em.createNativeQuery("""
                        SELECT count(*), max(incident_id) FROM (
                            SELECT DISTINCT incident_id FROM alert WHERE incident_id > :after AND incident_id <= :slice_end
                            ORDER BY incident_id LIMIT :batch) AS next""")
                .setParameter("after", slice.lastIncidentId)
                .setParameter("slice_end", slice.upToOrEnd())
                .setParameter("batch", batchSize)
                .getSingleResult();
        long incidents = ((Number) range[0]).longValue();
        int created = 0;
        if (incidents > 0) {
            long upTo = ((Number) range[1]).longValue();
            created = repair(slice.lastIncidentId, upTo, job.rebuild);
            slice.lastIncidentId = upTo;
        }
        slice.done = incidents < batchSize;
        OffsetDateTime now = OffsetDateTime.now(clock);
        em.flush(); // the slice's progress, before the job's figures below
        // The job's row is updated last, so that the workers hold its lock only while they commit.
        // The worker that finishes a job's last slice sees every other slice's end: it waits here
        // for the lock of one finishing at the same time, whose commit its next statement then sees.
        em.createNativeQuery("""
                        UPDATE admin_job SET done = done + :incidents, total = greatest(total, done + :incidents),
                            created = created + :created, updated_at = :now,
                            -- a failed job keeps the reason another worker gave it up for
                            error = CASE WHEN state = :running THEN NULL ELSE error END
                        WHERE id = :job""")
                .setParameter("incidents", incidents).setParameter("created", created).setParameter("now", now).setParameter("job", job.id)
                .setParameter("running", BackfillJob.RUNNING)
                .executeUpdate();
        if (slice.done) {
            int finished = em.createNativeQuery("""
                            UPDATE admin_job SET state = :done WHERE id = :job AND state = :running
                              AND NOT EXISTS (SELECT 1 FROM backfill_slice WHERE job_id = :job AND NOT done)""")
                    .setParameter("done", BackfillJob.DONE).setParameter("running", BackfillJob.RUNNING).setParameter("job", job.id)
                    .executeUpdate();
            if (finished > 0) {
                LOG.infof("Escalation status backfill job %d done", job.id);
            }
        }
        return true; // this slice's next batch, or another slice's
    }

    /**
     * Writes the missing records of the incidents in {@code (after, upTo]} that have alerts, with
     * their events, in one statement: each from the alert updated last, as {@link EscalationRules}
     * gives a new record from an alert (its status and policy; escalations started and resolved
     * now where they apply; no pages for the past). The incident rows are locked first, as the alert
     * sync locks them, and a record the sync wrote meanwhile is left alone.
     *
     * @return the number of records written
     */
    private int repair(long after, long upTo, boolean rebuild) {
        OffsetDateTime now = Timestamps.now(clock);
        String with = """
                -- The id range is repeated on alert so that its index is entered at the range, not
                -- walked from the start on every batch.
                WITH locked AS (
                    SELECT i.id, i.project_id, i.iid FROM incident i
                    WHERE i.id > :after AND i.id <= :up_to
                      AND EXISTS (SELECT 1 FROM alert a WHERE a.incident_id = i.id AND a.incident_id > :after AND a.incident_id <= :up_to)
                      AND NOT EXISTS (SELECT 1 FROM escalation_status s WHERE s.incident_id = i.id)
                    ORDER BY i.id
                    FOR UPDATE OF i
                ), latest AS (
                    SELECT DISTINCT ON (a.incident_id) a.incident_id, a.status, a.escalation_policy_id, a.created_at
                    FROM alert a JOIN locked l ON l.id = a.incident_id
                    WHERE a.incident_id > :after AND a.incident_id <= :up_to
                    ORDER BY a.incident_id, a.updated_at DESC, a.id DESC
                ), written AS (
                    INSERT INTO escalation_status (incident_id, status, policy_id, escalations_started_at, resolved_at, updated_at)
                    SELECT incident_id, status, escalation_policy_id,
                           CASE WHEN escalation_policy_id IS NOT NULL
                                THEN CASE WHEN CAST(:rebuild AS boolean) THEN CAST(:now AS timestamptz) ELSE created_at END END,
                           CASE WHEN status = :resolved THEN CAST(:now AS timestamptz) END,
                           CAST(:now AS timestamptz)
                    FROM latest
                    ON CONFLICT (incident_id) DO NOTHING
                    RETURNING incident_id, status, policy_id, escalations_started_at, resolved_at
                ), started AS (
                    -- A rebuild restarts the escalations of open incidents with a policy; the repair of
                    -- missing records does not page for the past.
                    INSERT INTO pending_escalation (incident_id, rule_id, process_at)
                    SELECT w.incident_id, r.id, CAST(:now AS timestamptz) + r.elapsed_time_seconds * interval '1 second'
                    FROM written w JOIN escalation_rule r ON r.policy_id = w.policy_id
                    WHERE CAST(:rebuild AS boolean) AND w.status IN (%d, %d)
                )""".formatted(EscalationStatusName.TRIGGERED.code(), EscalationStatusName.ACKNOWLEDGED.code());
        String rows = """
                SELECT l.project_id::text, json_build_object(
                           'project_id', l.project_id,
                           'incident_iid', l.iid,
                           'status', (CAST(:status_names AS json) ->> w.status::int),
                           'policy_id', w.policy_id,
                           'escalations_started_at', %s,
                           'resolved_at', CASE WHEN w.resolved_at IS NOT NULL THEN CAST(:now_json AS json) END,
                           'alert_iids', (SELECT json_agg(a.iid ORDER BY a.iid) FROM alert a WHERE a.incident_id = w.incident_id),
                           'reason', :reason)
                FROM written w JOIN locked l ON l.id = w.incident_id
                ORDER BY w.incident_id""".formatted(rfc3339("w.escalations_started_at"));
        return outbox.publishAll(with, EscalationStatusChanged.TOPIC, EscalationStatusChanged.TYPE, rows, Map.of(
                "after", after,
                "up_to", upTo,
                "now", now,
                "now_json", json(now),
                "resolved", EscalationStatusName.RESOLVED.code(),
                "status_names", json(Arrays.stream(EscalationStatusName.values()).map(EscalationStatusName::apiName).toList()),
                "reason", (rebuild ? EscalationStatusService.Reason.REBUILD : EscalationStatusService.Reason.BACKFILL).value(),
                "rebuild", rebuild));
    }

    /**
     * The rebuild's first step: every record and pending escalation goes, each record's removal
     * published (status and the rest null: the incident has no record now).
     */
    private void removeAll() {
        String with = """
                WITH removed AS (
                    DELETE FROM escalation_status RETURNING incident_id
                ), cancelled AS (
                    DELETE FROM pending_escalation
                )""";
        String rows = """
                SELECT i.project_id::text, json_build_object(
                           'project_id', i.project_id, 'incident_iid', i.iid, 'status', NULL, 'policy_id', NULL,
                           'escalations_started_at', NULL, 'resolved_at', NULL,
                           'alert_iids', COALESCE((SELECT json_agg(a.iid ORDER BY a.iid) FROM alert a WHERE a.incident_id = i.id), '[]'::json),
                           'reason', :reason)
                FROM removed r JOIN incident i ON i.id = r.incident_id
                ORDER BY r.incident_id""";
        int removed = outbox.publishAll(with, EscalationStatusChanged.TOPIC, EscalationStatusChanged.TYPE, rows,
                Map.of("reason", EscalationStatusService.Reason.REBUILD.value()));
        LOG.infof("Escalation status rebuild removed %d records", removed);
    }

    /** A timestamp as RFC 3339 in UTC, as the service's JSON writes one (no trailing zeros in the fraction). */
    private static String rfc3339(String column) {
        return "CASE WHEN " + column + " IS NOT NULL THEN to_json(regexp_replace(to_char(" + column
                + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.?0+$', '') || 'Z') END";
    }

    // The event's values as the service's JSON conventions write them (what Outbox.publish would).
    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
