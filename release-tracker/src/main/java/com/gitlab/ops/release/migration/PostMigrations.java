package com.gitlab.ops.release.migration;

import com.gitlab.ops.platform.work.Backoff;
import com.gitlab.ops.platform.work.PollingWorker;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.note.ReleaseNotes;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
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
import org.jboss.logging.Logger;

/**
 * Which post-migrations each package introduced. On deployment to the reference environment, a
 * package is compared with the package deployed there before it; the first one seen there is the
 * baseline and introduces nothing. A list given by an event is trusted as is. A lookup that fails
 * (a commit not found) is an error on the package and is retried with backoff, never an empty list.
 */
@ApplicationScoped
public class PostMigrations {

    private static final Logger LOG = Logger.getLogger(PostMigrations.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final EntityManager em;
    private final PostMigrationFinder finder;
    private final ReleaseNotes notes;
    private final ReleaseTrackerConfig config;
    private final PollingWorker retries;

    public PostMigrations(EntityManager em, PostMigrationFinder finder, ReleaseNotes notes, ReleaseTrackerConfig config) {
        this.em = em;
        this.finder = finder;
        this.notes = notes;
        this.config = config;
        this.retries = new PollingWorker("post-migration-retries", Duration.ofSeconds(1), this::retryDue);
    }

    void start(@Observes StartupEvent event) {
        retries.start();
    }

    void stop(@Observes ShutdownEvent event) {
        retries.stop(Duration.ofSeconds(10));
    }

    /** The event said which post-migrations the package adds: trusted, no diff. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void listed(AutoDeployPackage pkg, List<String> files) {
        record(pkg, files);
        pkg.postMigrationsState = AutoDeployPackage.LISTED;
        pkg.postMigrationsError = null;
        pkg.retryAt = null;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onReferenceDeployment(AutoDeployPackage pkg) {
        if (AutoDeployPackage.LISTED.equals(pkg.postMigrationsState)) {
            notes.create(pkg, introducedBy(pkg));
            return;
        }
        @SuppressWarnings("unchecked")
        List<AutoDeployPackage> previous = em.createNativeQuery("""
                        SELECT p.* FROM deployment d JOIN package p ON p.id = d.package_id
                        WHERE d.environment = :ref AND p.id <> :pkg
                          AND d.deployed_at <= (SELECT deployed_at FROM deployment WHERE package_id = :pkg AND environment = :ref)
                        ORDER BY d.deployed_at DESC, p.built_at DESC LIMIT 1""", AutoDeployPackage.class)
                .setParameter("ref", config.referenceEnvironment()).setParameter("pkg", pkg.id).getResultList();
        if (previous.isEmpty()) {
            pkg.postMigrationsState = AutoDeployPackage.BASELINE;
            return;
        }
        pkg.comparedWith = previous.get(0).id;
        compute(pkg);
    }

    private void compute(AutoDeployPackage pkg) {
        AutoDeployPackage previous = AutoDeployPackage.findById(pkg.comparedWith);
        try {
            record(pkg, finder.added(previous.gitlabCommit, pkg.gitlabCommit));
            pkg.postMigrationsState = AutoDeployPackage.COMPUTED;
            pkg.postMigrationsError = null;
            pkg.retryAt = null;
            notes.create(pkg, introducedBy(pkg));
        } catch (PostMigrationLookupException e) {
            pkg.attempts++;
            pkg.postMigrationsState = AutoDeployPackage.ERROR;
            pkg.postMigrationsError = e.getMessage();
            pkg.retryAt = OffsetDateTime.now(ZoneOffset.UTC).plus(Backoff.after(pkg.attempts, Duration.ofSeconds(2), MAX_BACKOFF));
            LOG.warnf("Post-migrations of %s: %s (attempt %d, again at %s)", pkg.version, e.getMessage(), pkg.attempts, pkg.retryAt);
        }
    }

    void retryDue() {
        boolean more = true;
        while (more) {
            more = QuarkusTransaction.requiringNew().call(() -> {
                List<AutoDeployPackage> due = AutoDeployPackage.<AutoDeployPackage>find(
                                "postMigrationsState = ?1 and retryAt <= ?2 order by retryAt", AutoDeployPackage.ERROR, OffsetDateTime.now(ZoneOffset.UTC))
                        .withLock(LockModeType.PESSIMISTIC_WRITE).withHint("jakarta.persistence.lock.timeout", -2)
                        .page(0, 1).list();
                due.forEach(this::compute);
                return !due.isEmpty() && AutoDeployPackage.COMPUTED.equals(due.get(0).postMigrationsState);
            });
        }
    }

    /** A file belongs to the first package that introduced it. */
    private void record(AutoDeployPackage pkg, List<String> files) {
        for (String path : files) {
            em.createNativeQuery("""
                            INSERT INTO post_migration (path, file_name, package_id) VALUES (:path, :name, :pkg)
                            ON CONFLICT (path) DO NOTHING""")
                    .setParameter("path", path).setParameter("name", path.substring(path.lastIndexOf('/') + 1))
                    .setParameter("pkg", pkg.id).executeUpdate();
        }
    }

    @SuppressWarnings("unchecked")
    public List<String> introducedBy(AutoDeployPackage pkg) {
        return em.createNativeQuery("SELECT path FROM post_migration WHERE package_id = :pkg ORDER BY path")
                .setParameter("pkg", pkg.id).getResultList();
    }
}
