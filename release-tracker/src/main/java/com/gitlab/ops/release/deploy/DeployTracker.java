package com.gitlab.ops.release.deploy;

import com.gitlab.ops.platform.event.InvalidEventException;
import com.gitlab.ops.release.migration.PostMigrationAttribution;
import com.gitlab.ops.release.migration.PostMigrationResolver;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import com.gitlab.ops.release.pkg.InvalidPackageVersionException;
import com.gitlab.ops.release.pkg.PackageVersion;
import com.gitlab.ops.release.pkg.PackageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Follows deploy jobs: a package counts as deployed to an environment once every required job has
 * succeeded there for it, in any order. Failures are recorded as the job's last state. A deployment
 * to the reference environment is when the package's post-migrations are worked out: in the
 * background, after this transaction commits, so that reading Git never holds up the partition.
 */
@ApplicationScoped
public class DeployTracker {

    private final EntityManager em;
    private final PackageRepository packages;
    private final PostMigrationAttribution attribution;
    private final PostMigrationResolver resolver;
    private final ReleaseTrackerConfig config;

    public DeployTracker(EntityManager em, PackageRepository packages, PostMigrationAttribution attribution, PostMigrationResolver resolver,
            ReleaseTrackerConfig config) {
        this.em = em;
        this.packages = packages;
        this.attribution = attribution;
        this.resolver = resolver;
        this.config = config;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void jobFinished(DeployJobFinished event) {
        requireEnvironment(event.environment());
        AutoDeployPackage pkg = packages.findOrCreate(parse(event.packageVersion()));
        event.postMigrations().ifPresent(files -> attribution.listed(pkg, files));
        // The job's latest state wins; an older event for the same job changes nothing.
        em.createNativeQuery("""
                        INSERT INTO deploy_job (package_id, environment, job, status, finished_at, pipeline_id)
                        VALUES (:pkg, :env, :job, :status, :finishedAt, :pipeline)
                        ON CONFLICT (package_id, environment, job) DO UPDATE
                        SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at, pipeline_id = EXCLUDED.pipeline_id
                        WHERE deploy_job.finished_at < EXCLUDED.finished_at""")
                .setParameter("pkg", pkg.id).setParameter("env", event.environment()).setParameter("job", event.job())
                .setParameter("status", event.status()).setParameter("finishedAt", event.finishedAt())
                .setParameter("pipeline", event.pipelineId().orElse(null))
                .executeUpdate();
        if ("success".equals(event.status()) && markDeployedIfComplete(pkg, event.environment())
                && event.environment().equals(config.referenceEnvironment()) && attribution.deployedToReference(pkg)) {
            resolver.wakeAfterCommit();
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void postMigrationsExecuted(PostMigrationsExecuted event) {
        requireEnvironment(event.environment());
        AutoDeployPackage pkg = packages.findOrCreate(parse(event.packageVersion()));
        em.createNativeQuery("""
                        INSERT INTO post_migrations_run (environment, package_id, executed_at) VALUES (:env, :pkg, now())
                        ON CONFLICT DO NOTHING""")
                .setParameter("env", event.environment()).setParameter("pkg", pkg.id).executeUpdate();
    }

    /**
     * Records the deployment once every required job has succeeded; a later complete run of them all
     * (a redeploy, a rollback to this package: each job finished again since the last one) moves
     * {@code last_deployed_at} only.
     * @return true when this call recorded the package's first deployment there
     */
    private boolean markDeployedIfComplete(AutoDeployPackage pkg, String environment) {
        List<String> required = config.requiredJobs();
        @SuppressWarnings("unchecked")
        List<Boolean> first = em.createNativeQuery("""
                        WITH run AS (SELECT max(finished_at) AS done, min(finished_at) AS started FROM deploy_job
                                     WHERE package_id = :pkg AND environment = :env AND status = 'success' AND job IN (:jobs)
                                     HAVING count(*) = :required)
                        INSERT INTO deployment (package_id, environment, deployed_at, last_deployed_at)
                        SELECT :pkg, :env, done, done FROM run
                        ON CONFLICT (package_id, environment) DO UPDATE SET last_deployed_at = EXCLUDED.last_deployed_at
                        WHERE deployment.last_deployed_at < (SELECT started FROM run)
                        RETURNING xmax = 0""")
                .setParameter("pkg", pkg.id).setParameter("env", environment).setParameter("jobs", required)
                .setParameter("required", (long) required.size())
                .getResultList();
        return !first.isEmpty() && first.get(0);
    }

    private void requireEnvironment(String environment) {
        if (!config.environments().contains(environment)) {
            throw new InvalidEventException("environment '" + environment + "' is not one of " + String.join(", ", config.environments()));
        }
    }

    private static PackageVersion parse(String version) {
        try {
            return PackageVersion.parse(version);
        } catch (InvalidPackageVersionException e) {
            throw new InvalidEventException("field 'package': " + e.getMessage());
        }
    }
}
