package com.gitlab.ops.platform.job;

import com.gitlab.ops.platform.error.Causes;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Runs admin jobs in the background, so that an admin request answers at once (202 and the job's
 * id) however long the work takes; its progress is recorded as it goes, each step in a short
 * transaction of its own.
 */
@ApplicationScoped
public class AdminJobRunner {

    private static final Logger LOG = Logger.getLogger(AdminJobRunner.class);

    /** The work of a job, reporting as it goes. */
    @FunctionalInterface
    public interface Work {
        /** @return the final details, merged into what the job reports */
        Map<String, Object> run(Progress progress) throws Exception;
    }

    /** Progress a job reports: how far it is, and its figures so far. */
    @FunctionalInterface
    public interface Progress {
        void report(long done, long total, Map<String, Object> details);
    }

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "admin-job");
        thread.setDaemon(true);
        return thread;
    });
    private final Clock clock;

    public AdminJobRunner(Clock clock) {
        this.clock = clock;
    }

    /** Records a running job of this kind and starts its work; the job as recorded at its start. */
    public AdminJob start(String kind, Map<String, Object> details, Work work) {
        AdminJob job = QuarkusTransaction.requiringNew().call(() -> {
            AdminJob created = new AdminJob();
            created.kind = kind;
            created.state = AdminJob.RUNNING;
            created.details = new LinkedHashMap<>(details);
            created.createdAt = OffsetDateTime.now(clock);
            created.updatedAt = created.createdAt;
            created.persist();
            return created;
        });
        long id = job.id;
        executor.submit(() -> run(id, kind, work));
        return job;
    }

    private void run(long id, String kind, Work work) {
        try {
            Map<String, Object> result = work.run((done, total, details) -> update(id, job -> {
                job.done = done;
                job.total = total;
                job.details.putAll(details);
            }));
            update(id, job -> {
                job.details.putAll(result);
                job.state = AdminJob.DONE;
            });
            LOG.infof("Admin job %d (%s) done", id, kind);
        } catch (Throwable e) {
            String reason = e.getMessage() == null ? Causes.describe(e) : e.getMessage();
            LOG.warnf("Admin job %d (%s) failed: %s", id, kind, reason);
            try {
                update(id, job -> {
                    job.state = AdminJob.FAILED;
                    job.error = reason;
                });
            } catch (RuntimeException unrecorded) {
                // The database is gone too: the job stays running, and its view says interrupted once it stops moving.
                LOG.warnf("Admin job %d (%s): its failure could not be recorded: %s", id, kind, Causes.describe(unrecorded));
            }
        }
    }

    private void update(long id, java.util.function.Consumer<AdminJob> change) {
        QuarkusTransaction.requiringNew().run(() -> {
            AdminJob job = AdminJob.findById(id);
            // A fresh map: Hibernate sees the JSON column changed only when the value is a new one.
            job.details = new LinkedHashMap<>(job.details);
            change.accept(job);
            job.updatedAt = OffsetDateTime.now(clock);
        });
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }
}
