package com.gitlab.ops.platform.retention;

import com.gitlab.ops.platform.config.PlatformConfig;
import com.gitlab.ops.platform.error.Causes;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.jboss.logging.Logger;

/**
 * Deletes the inbox's and the outbox's rows once nothing can need them: an event id older than the
 * retention can no longer arrive again (the topics keep events 7 days, the dead-letter topics a
 * replay can take from 30), and a published outbox event is in Kafka. Without it both tables grow
 * with every event forever. In small batches, so that it never holds long locks.
 */
@ApplicationScoped
public class RetentionCleanup {

    private static final Logger LOG = Logger.getLogger(RetentionCleanup.class);
    private static final int BATCH = 10_000;
    private static final String INTERVAL = "${platform.retention.interval:PT1H}";

    private final EntityManager em;
    private final Duration retention;
    private final Clock clock;

    public RetentionCleanup(EntityManager em, PlatformConfig config, Clock clock) {
        this.em = em;
        this.retention = config.retention().processedEvents();
        this.clock = clock;
    }

    /**
     * Every {@code platform.retention.interval} (PT1H; {@code PLATFORM_RETENTION_INTERVAL}), the first
     * an interval after the start. Nothing wakes it: the schedule is all it needs.
     */
    @Scheduled(identity = "retention-cleanup", every = INTERVAL, delayed = INTERVAL, concurrentExecution = ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        try {
            deleteExpired();
        } catch (RuntimeException e) {
            // The database is away, say: the next run deletes what this one could not.
            LOG.warnf("Retention clean-up failed, tried again at the next run: %s", Causes.describe(e));
        }
    }

    /** Deletes what is older than the retention; the number of rows deleted. */
    public long deleteExpired() {
        OffsetDateTime before = OffsetDateTime.now(clock).minus(retention);
        long deleted = deleteInBatches("""
                DELETE FROM inbox_event WHERE ctid IN (
                    SELECT ctid FROM inbox_event WHERE processed_at < :before LIMIT :batch)""", before)
                + deleteInBatches("""
                DELETE FROM outbox_event WHERE ctid IN (
                    SELECT ctid FROM outbox_event e WHERE created_at < :before
                      AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.id = e.id) LIMIT :batch)""", before);
        if (deleted > 0) {
            LOG.infof("Deleted %d inbox and published outbox rows older than %s", deleted, retention);
        }
        return deleted;
    }

    private long deleteInBatches(String sql, OffsetDateTime before) {
        long total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(sql)
                    .setParameter("before", before).setParameter("batch", BATCH).executeUpdate());
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
