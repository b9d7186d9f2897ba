package com.gitlab.ops.release.environment;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.PackageVersion;
import com.gitlab.ops.release.rollback.RollbackCheck;
import com.gitlab.ops.release.rollback.RollbackChecker;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An environment's deployments, newest first, and how far back it can still be rolled back: what the
 * release dashboard shows per environment, from the same checks as {@code rollback-check}.
 */
@Path("/api/environments/{environment}")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentResource {

    /** A package deployed there, and when it last arrived; {@code current} is the one running now. */
    public record Deployment(String packageVersion, OffsetDateTime deployedAt, boolean current) {
    }

    /**
     * The oldest package of the environment's history one can still roll back to safely (null: none,
     * not even the one before the current), and what stops going one further back: the check of the
     * next older package, whose blocking post-migrations and unknowns say why.
     */
    public record RollbackBoundary(String environment, String current, String boundary, String stoppedAt, RollbackCheck stoppedBecause) {
    }

    private static final int MAX_LIMIT = 100;

    private final EntityManager em;
    private final ReleaseTrackerConfig config;
    private final RollbackChecker checker;

    public EnvironmentResource(EntityManager em, ReleaseTrackerConfig config, RollbackChecker checker) {
        this.em = em;
        this.config = config;
        this.checker = checker;
    }

    @GET
    @Path("/deployments")
    public List<Deployment> deployments(@PathParam("environment") String environment, @QueryParam("limit") @DefaultValue("10") String limit) {
        requireKnown(environment);
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiException.badRequest("'limit' must be an integer from 1 to " + MAX_LIMIT + "; got " + limit);
        }
        // By the last arrival: a package deployed again (a rollback) runs there now.
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT p.version, d.last_deployed_at FROM deployment d JOIN package p ON p.id = d.package_id
                        WHERE d.environment = :env ORDER BY d.last_deployed_at DESC, p.built_at DESC, p.version DESC LIMIT :n""")
                .setParameter("env", environment).setParameter("n", n).getResultList();
        return IntStream.range(0, rows.size())
                .mapToObj(i -> new Deployment((String) rows.get(i)[0], ((Instant) rows.get(i)[1]).atOffset(ZoneOffset.UTC), i == 0)).toList();
    }

    @GET
    @Path("/rollback-boundary")
    public RollbackBoundary rollbackBoundary(@PathParam("environment") String environment) {
        List<Deployment> latest = deployments(environment, "1");
        if (latest.isEmpty()) {
            return new RollbackBoundary(environment, null, null, null, null);
        }
        String current = latest.get(0).packageVersion();
        String boundary = null;
        // Going back in build order, each older target has more after it: the first unsafe one is where it stops.
        for (String older : deployedBefore(environment, current)) {
            RollbackCheck check = checker.check(environment, PackageVersion.parse(older));
            if (!check.safe()) {
                return new RollbackBoundary(environment, current, boundary, older, check);
            }
            boundary = older;
        }
        return new RollbackBoundary(environment, current, boundary, null, null);
    }

    /** The packages once deployed there that were built before the one running now, newest first. */
    @SuppressWarnings("unchecked")
    private List<String> deployedBefore(String environment, String current) {
        return em.createNativeQuery("""
                        SELECT p.version FROM deployment d JOIN package p ON p.id = d.package_id, package c
                        WHERE d.environment = :env AND c.version = :current AND (p.built_at, p.version) < (c.built_at, c.version)
                        ORDER BY p.built_at DESC, p.version DESC""")
                .setParameter("env", environment).setParameter("current", current).getResultList();
    }

    private void requireKnown(String environment) {
        if (!config.environments().contains(environment)) {
            throw ApiException.badRequest("environment '" + environment + "' is not one of " + String.join(", ", config.environments()));
        }
    }
}
