package com.gitlab.ops.release.pkg;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.migration.PostMigrationAttribution;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One package's story: parsed, where it is deployed (job by job), what it introduced. */
@Path("/api/packages")
@Produces(MediaType.APPLICATION_JSON)
public class PackageResource {

    public record JobView(String status, OffsetDateTime finishedAt, Long pipelineId) {
    }

    public record EnvironmentView(boolean deployed, OffsetDateTime deployedAt, OffsetDateTime lastDeployedAt, Map<String, JobView> jobs) {
    }

    /** What the package introduces, and where those post-migrations have run. */
    public record PostMigrationsView(String state, String error, String comparedWith, List<String> files, List<String> ranOn) {
    }

    public record PackageView(String packageVersion, String release, OffsetDateTime builtAt, String gitlabCommit, String omnibusCommit,
            Map<String, EnvironmentView> environments, PostMigrationsView postMigrations) {
    }

    private final EntityManager em;
    private final PostMigrationAttribution attribution;

    public PackageResource(EntityManager em, PostMigrationAttribution attribution) {
        this.em = em;
        this.attribution = attribution;
    }

    @GET
    @Path("/{package}")
    public PackageView get(@PathParam("package") String version) {
        try {
            PackageVersion.parse(version);
        } catch (InvalidPackageVersionException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        AutoDeployPackage pkg = AutoDeployPackage.findByVersion(version)
                .orElseThrow(() -> ApiException.notFound("package " + version + " has not been seen in any deploy event"));
        Map<String, EnvironmentView> environments = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> jobs = em.createNativeQuery("""
                        SELECT j.environment, j.job, j.status, j.finished_at, j.pipeline_id, d.deployed_at, d.last_deployed_at
                        FROM deploy_job j LEFT JOIN deployment d ON d.package_id = j.package_id AND d.environment = j.environment
                        WHERE j.package_id = :pkg ORDER BY j.environment, j.job""")
                .setParameter("pkg", pkg.id).getResultList();
        for (Object[] row : jobs) {
            OffsetDateTime deployedAt = time(row[5]);
            environments.computeIfAbsent((String) row[0], e -> new EnvironmentView(deployedAt != null, deployedAt, time(row[6]), new LinkedHashMap<>()))
                    .jobs().put((String) row[1], new JobView((String) row[2], time(row[3]), row[4] == null ? null : ((Number) row[4]).longValue()));
        }
        List<String> files = attribution.introducedBy(pkg.id);
        String comparedWith = pkg.comparedWith == null ? null : AutoDeployPackage.<AutoDeployPackage>findById(pkg.comparedWith).version;
        return new PackageView(pkg.version, pkg.release, pkg.builtAt, pkg.gitlabCommit, pkg.omnibusCommit, environments,
                new PostMigrationsView(pkg.postMigrationsState, pkg.postMigrationsError, comparedWith, files,
                        files.isEmpty() ? List.of() : attribution.ranOn(pkg.version, pkg.builtAt)));
    }

    static OffsetDateTime time(Object value) {
        return value == null ? null : ((Instant) value).atOffset(ZoneOffset.UTC);
    }
}
