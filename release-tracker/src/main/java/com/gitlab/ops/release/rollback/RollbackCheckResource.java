package com.gitlab.ops.release.rollback;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.InvalidPackageVersionException;
import com.gitlab.ops.release.pkg.PackageVersion;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/environments/{environment}/rollback-check?target=}: see {@link RollbackChecker}. */
@Path("/api/environments/{environment}/rollback-check")
@Produces(MediaType.APPLICATION_JSON)
public class RollbackCheckResource {

    private final RollbackChecker checker;
    private final ReleaseTrackerConfig config;

    public RollbackCheckResource(RollbackChecker checker, ReleaseTrackerConfig config) {
        this.checker = checker;
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
        try {
            return checker.check(environment, PackageVersion.parse(target));
        } catch (InvalidPackageVersionException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
