package com.gitlab.ops.release.migration;

import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.work.AfterCommit;
import com.gitlab.ops.platform.work.PollingWorker;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import com.gitlab.ops.release.source.GitLabSource;
import com.gitlab.ops.release.source.GitLabSourceException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Works out, in the background, what the packages deployed to the reference environment introduced:
 * claim a package (a short transaction), read Git with no transaction open (a fetch has a time
 * limit), then record the answer (another short transaction). The consumer only marks packages
 * pending, so a slow or unreachable repository never holds up a partition. A package whose answer
 * could not be had is retried with backoff; a claim left by a worker that died expires after the
 * lease, and any instance takes it over.
 */
@ApplicationScoped
public class PostMigrationResolver {

    private final EntityManager em;
    private final GitLabSource source;
    private final PostMigrationAttribution attribution;
    private final AfterCommit afterCommit;
    private final ReleaseTrackerConfig config;
    private final Clock clock;
    private final PollingWorker worker;

    /** A package this worker owns until the lease ends, and the package it is to be compared with (none: the baseline). */
    record Claim(long packageId, String commit, Long predecessorId, String predecessorCommit) {
    }

    public PostMigrationResolver(EntityManager em, GitLabSource source, PostMigrationAttribution attribution, AfterCommit afterCommit,
            ReleaseTrackerConfig config, Clock clock) {
        this.em = em;
        this.clock = clock;
        this.source = source;
        this.attribution = attribution;
        this.afterCommit = afterCommit;
        this.config = config;
        this.worker = new PollingWorker("post-migration-resolver", Duration.ofSeconds(1), this::resolveDue);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(10));
    }

    /** Packages were marked pending: work them out as soon as the transaction commits. */
    public void wakeAfterCommit() {
        afterCommit.run(worker::wake);
    }

    void resolveDue() {
        Claim claim;
        while ((claim = QuarkusTransaction.requiringNew().call(this::claimNext)) != null) {
            resolve(claim);
        }
    }

    private Claim claimNext() {
        @SuppressWarnings("unchecked")
        List<Number> claimed = em.createNativeQuery("""
                        UPDATE package SET claimed_until = now() + :lease * interval '1 second'
                        WHERE id = (SELECT id FROM package
                                    WHERE (post_migrations_state = 'pending' OR (post_migrations_state = 'error' AND retry_at <= :now))
                                      AND (claimed_until IS NULL OR claimed_until < now())
                                    ORDER BY built_at, version LIMIT 1 FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .setParameter("lease", (double) config.claimLease().toSeconds()).setParameter("now", OffsetDateTime.now(clock)).getResultList();
        if (claimed.isEmpty()) {
            return null;
        }
        AutoDeployPackage pkg = em.find(AutoDeployPackage.class, claimed.get(0).longValue());
        return attribution.predecessor(pkg)
                .map(previous -> new Claim(pkg.id, pkg.gitlabCommit, previous.id, previous.gitlabCommit))
                .orElseGet(() -> new Claim(pkg.id, pkg.gitlabCommit, null, null));
    }

    private void resolve(Claim claim) {
        try {
            if (claim.predecessorId() == null) {
                QuarkusTransaction.requiringNew().run(() -> attribution.resolved(claim.packageId(), null, List.of()));
                return;
            }
            List<String> files;
            try {
                files = source.postMigrationsAdded(claim.predecessorCommit(), claim.commit());
            } catch (GitLabSourceException | RuntimeException e) {
                // JGit's own runtime errors too: the package is an error with its reason, never a claim retried forever.
                String reason = e instanceof GitLabSourceException ? e.getMessage() : "reading the GitLab repository failed: " + Causes.describe(e);
                QuarkusTransaction.requiringNew().run(() -> attribution.failed(claim.packageId(), claim.predecessorId(), reason));
                return;
            }
            QuarkusTransaction.requiringNew().run(() -> attribution.resolved(claim.packageId(), claim.predecessorId(), files));
        } catch (RuntimeException e) {
            // Not the package's fault (the database, say): give the claim back so the next poll tries again.
            try {
                QuarkusTransaction.requiringNew().run(() -> attribution.release(claim.packageId()));
            } catch (RuntimeException ignored) {
                // The lease expires by itself.
            }
            throw e;
        }
    }
}
