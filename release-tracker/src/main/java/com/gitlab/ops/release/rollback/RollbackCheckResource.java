package com.gitlab.ops.release.rollback;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.InvalidPackageVersionException;
import com.gitlab.ops.release.pkg.PackageVersion;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Is rolling an environment back to a package still safe? Not when a post-migration introduced by a
 * later package has already run there: a post-migration cannot be undone.
 */
@Path("/api/environments/{environment}/rollback-check")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackCheckResource {

    public record Blocking(String path, String packageVersion) {
    }

    public record RollbackCheck(boolean safe, List<Blocking> blocking) {
    }

    private final EntityManager em;
    private final ReleaseTrackerConfig config;

    public RollbackCheckResource(EntityManager em, ReleaseTrackerConfig config) {
        this.em = em;
        this.config = config;
    }

    @GET
    public RollbackCheck check(@PathParam("environment") String environment, @QueryParam("target") String target) {
        if (!config.environments().contains(environment)) {
            throw ApiException.badRequest("environment '" + environment + "' is not one of " + String.join(", ", config.environments()));
        }
        if (target == null || target.isBlank()) {
            throw ApiException.badRequest("give the package to roll back to: ?target=<package version>");
        }
        PackageVersion version;
        try {
            version = PackageVersion.parse(target);
        } catch (InvalidPackageVersionException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT pm.path, p.version FROM post_migration pm JOIN package p ON p.id = pm.package_id
                        WHERE (p.built_at, p.version) > (:builtAt, :version)
                          AND EXISTS (SELECT 1 FROM post_migrations_run r JOIN package q ON q.id = r.package_id
                                      WHERE r.environment = :env AND (q.built_at, q.version) >= (p.built_at, p.version))
                        ORDER BY p.built_at, p.version, pm.path""")
                .setParameter("builtAt", version.builtAt()).setParameter("version", version.value()).setParameter("env", environment)
                .getResultList();
        List<Blocking> blocking = rows.stream().map(r -> new Blocking((String) r[0], (String) r[1])).toList();
        return new RollbackCheck(blocking.isEmpty(), blocking);
    }
}
