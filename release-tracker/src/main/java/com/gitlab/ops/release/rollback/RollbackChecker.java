package com.gitlab.ops.release.rollback;

import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import com.gitlab.ops.release.pkg.PackageVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Is rolling an environment back to a package still safe? Not when a post-migration introduced by a
 * later package has already run there (it cannot be undone), and not when the tracker does not know:
 * a target never deployed there, or a later package whose post-migrations could not be worked out.
 * Unknown is never read as safe. The one answer every interface gives.
 */
@ApplicationScoped
public class RollbackChecker {

    private final EntityManager em;
    private final ReleaseTrackerConfig config;

    public RollbackChecker(EntityManager em, ReleaseTrackerConfig config) {
        this.em = em;
        this.config = config;
    }

    public RollbackCheck check(String environment, PackageVersion target) {
        List<RollbackCheck.Unknown> unknown = new ArrayList<>();
        Optional<AutoDeployPackage> known = AutoDeployPackage.findByVersion(target.value());
        if (known.isEmpty()) {
            unknown.add(new RollbackCheck.Unknown(target.value(), "the tracker has seen no deploy event for this package"));
        } else if (!deployed(known.get(), environment)) {
            unknown.add(new RollbackCheck.Unknown(target.value(), "never deployed to " + environment + " as far as the tracker knows"));
        }
        unknown.addAll(unknownAfter(environment, target));
        return RollbackCheck.of(blocking(environment, target), unknown);
    }

    private boolean deployed(AutoDeployPackage pkg, String environment) {
        return !em.createNativeQuery("SELECT 1 FROM deployment WHERE package_id = :pkg AND environment = :env")
                .setParameter("pkg", pkg.id).setParameter("env", environment).getResultList().isEmpty();
    }

    /** Post-migrations introduced after the target whose pipeline has run there (with that package or a later one). */
    private List<RollbackCheck.Blocking> blocking(String environment, PackageVersion target) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT pm.path, p.version FROM introduced_post_migration pm JOIN package p ON p.id = pm.package_id
                        WHERE (p.built_at, p.version) > (:builtAt, :version)
                          AND EXISTS (SELECT 1 FROM post_migrations_run r JOIN package q ON q.id = r.package_id
                                      WHERE r.environment = :env AND (q.built_at, q.version) >= (p.built_at, p.version))
                        ORDER BY p.built_at, p.version, pm.path""")
                .setParameter("builtAt", target.builtAt()).setParameter("version", target.value()).setParameter("env", environment)
                .getResultList();
        return rows.stream().map(r -> new RollbackCheck.Blocking((String) r[0], (String) r[1])).toList();
    }

    /**
     * PackageRepository built after the target whose post-migrations may have run there or may run there
     * next, and are not known: those deployed there, those the post-deploy pipeline ran with there,
     * and those deployed to the reference environment up to the newest package that pipeline ran with.
     * A baseline counts as unknown here: what it added over the older target was never worked out.
     */
    private List<RollbackCheck.Unknown> unknownAfter(String environment, PackageVersion target) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        WITH ran AS (SELECT q.built_at, q.version FROM post_migrations_run r JOIN package q ON q.id = r.package_id
                                     WHERE r.environment = :env ORDER BY q.built_at DESC, q.version DESC LIMIT 1)
                        SELECT p.version, p.post_migrations_state, p.post_migrations_error FROM package p LEFT JOIN ran ON true
                        WHERE (p.built_at, p.version) > (:builtAt, :version)
                          AND p.post_migrations_state NOT IN ('listed', 'computed')
                          AND (EXISTS (SELECT 1 FROM deployment d WHERE d.package_id = p.id AND d.environment = :env)
                               OR EXISTS (SELECT 1 FROM post_migrations_run r WHERE r.package_id = p.id AND r.environment = :env)
                               OR (EXISTS (SELECT 1 FROM deployment d WHERE d.package_id = p.id AND d.environment = :ref)
                                   AND (p.built_at, p.version) <= (ran.built_at, ran.version)))
                        ORDER BY p.built_at, p.version""")
                .setParameter("builtAt", target.builtAt()).setParameter("version", target.value()).setParameter("env", environment)
                .setParameter("ref", config.referenceEnvironment()).getResultList();
        return rows.stream().map(r -> new RollbackCheck.Unknown((String) r[0], reason((String) r[1], (String) r[2]))).toList();
    }

    private String reason(String state, String error) {
        return switch (state) {
            case AutoDeployPackage.UNKNOWN -> "never deployed to " + config.referenceEnvironment() + ", where post-migrations are worked out";
            case AutoDeployPackage.PENDING -> "its post-migrations are being worked out";
            case AutoDeployPackage.BASELINE -> "the oldest package seen on " + config.referenceEnvironment()
                    + ": what it added over older packages was never worked out";
            case AutoDeployPackage.ERROR -> "its post-migrations could not be worked out: " + error;
            default -> "its post-migrations are " + state;
        };
    }
}
