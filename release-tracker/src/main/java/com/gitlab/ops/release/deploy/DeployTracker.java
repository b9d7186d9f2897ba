package com.gitlab.ops.release.deploy;

import com.gitlab.ops.platform.event.InvalidEventException;
import com.gitlab.ops.release.migration.PostMigrations;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import com.gitlab.ops.release.pkg.InvalidPackageVersionException;
import com.gitlab.ops.release.pkg.PackageVersion;
import com.gitlab.ops.release.pkg.Packages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Follows deploy jobs: a package counts as deployed to an environment once every required job has
 * succeeded there for it, in any order. Failures are recorded as the job's last state. A deployment
 * to the reference environment is when the package's post-migrations are worked out.
 */
@ApplicationScoped
public class DeployTracker {

    private final EntityManager em;
    private final Packages packages;
    private final PostMigrations postMigrations;
    private final ReleaseTrackerConfig config;

    public DeployTracker(EntityManager em, Packages packages, PostMigrations postMigrations, ReleaseTrackerConfig config) {
        this.em = em;
        this.packages = packages;
        this.postMigrations = postMigrations;
        this.config = config;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void jobFinished(DeployJobFinished event) {
        requireEnvironment(event.environment());
        AutoDeployPackage pkg = packages.findOrCreate(parse(event.packageVersion()));
        event.postMigrations().ifPresent(files -> postMigrations.listed(pkg, files));
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
                && event.environment().equals(config.referenceEnvironment())) {
            postMigrations.onReferenceDeployment(pkg);
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

    /** True when this call recorded the deployment: every required job has succeeded, for the first time. */
    private boolean markDeployedIfComplete(AutoDeployPackage pkg, String environment) {
        List<String> required = config.requiredJobs();
        int inserted = em.createNativeQuery("""
                        INSERT INTO deployment (package_id, environment, deployed_at)
                        SELECT :pkg, :env, max(finished_at) FROM deploy_job
                        WHERE package_id = :pkg AND environment = :env AND status = 'success' AND job IN (:jobs)
                        HAVING count(*) = :required
                        ON CONFLICT DO NOTHING""")
                .setParameter("pkg", pkg.id).setParameter("env", environment).setParameter("jobs", required)
                .setParameter("required", (long) required.size())
                .executeUpdate();
        return inserted == 1;
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
