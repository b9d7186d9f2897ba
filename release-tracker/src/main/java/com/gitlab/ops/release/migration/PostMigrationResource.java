package com.gitlab.ops.release.migration;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Which package introduced a post-deploy migration, when, and where it has run. */
@Path("/api/post-migrations")
@Produces(MediaType.APPLICATION_JSON)
public class PostMigrationResource {

    public record PostMigrationView(String path, String packageVersion, String release, OffsetDateTime introducedAt,
            List<String> ranOn) {
    }

    private final EntityManager em;
    private final ReleaseTrackerConfig config;
    private final PostMigrationAttribution attribution;

    public PostMigrationResource(EntityManager em, ReleaseTrackerConfig config, PostMigrationAttribution attribution) {
        this.em = em;
        this.config = config;
        this.attribution = attribution;
    }

    /** By file name ({@code 20220201173212_add_index.rb}) or path ({@code db/post_migrate/...}). */
    @GET
    @Path("/{file: .+}")
    public PostMigrationView find(@PathParam("file") String file) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT pm.path, p.version, p.release, d.deployed_at, p.built_at
                        FROM introduced_post_migration pm JOIN package p ON p.id = pm.package_id
                        LEFT JOIN deployment d ON d.package_id = p.id AND d.environment = :ref
                        WHERE pm.path = :file OR pm.file_name = :file ORDER BY pm.path""")
                .setParameter("file", file).setParameter("ref", config.referenceEnvironment()).getResultList();
        if (rows.isEmpty()) {
            throw ApiException.notFound("no package is known to have introduced '" + file
                    + "'; it is learnt when a package that adds it is deployed to the reference environment");
        }
        Object[] row = rows.get(0);
        return new PostMigrationView((String) row[0], (String) row[1], (String) row[2], time(row[3]),
                attribution.ranOn((String) row[1], time(row[4])));
    }

    static OffsetDateTime time(Object value) {
        return value == null ? null : ((java.time.Instant) value).atOffset(ZoneOffset.UTC);
    }
}
