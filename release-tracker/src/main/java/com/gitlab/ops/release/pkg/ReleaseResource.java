package com.gitlab.ops.release.pkg;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.note.ReleaseNote;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything per monthly release: the packages that introduced post-migrations, and the notes. */
@Path("/api/releases/{release}")
@Produces(MediaType.APPLICATION_JSON)
public class ReleaseResource {

    public record PackagePostMigrations(String packageVersion, OffsetDateTime builtAt, List<String> files) {
    }

    public record NoteView(String packageVersion, String body, String state, int attempts, String lastError,
            OffsetDateTime createdAt, OffsetDateTime postedAt, OffsetDateTime correctedAt, Long gitlabNoteId) {
    }

    private final EntityManager em;

    public ReleaseResource(EntityManager em) {
        this.em = em;
    }

    @GET
    @Path("/post-migrations")
    public List<PackagePostMigrations> postMigrations(@PathParam("release") String release) {
        requireRelease(release);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT p.version, p.built_at, pm.path FROM introduced_post_migration pm JOIN package p ON p.id = pm.package_id
                        WHERE p.release = :release ORDER BY p.built_at, p.version, pm.path""")
                .setParameter("release", release).getResultList();
        Map<String, PackagePostMigrations> byPackage = new LinkedHashMap<>();
        for (Object[] row : rows) {
            byPackage.computeIfAbsent((String) row[0], v -> new PackagePostMigrations(v, PackageResource.time(row[1]), new ArrayList<>()))
                    .files().add((String) row[2]);
        }
        return List.copyOf(byPackage.values());
    }

    @GET
    @Path("/notes")
    public List<NoteView> notes(@PathParam("release") String release) {
        requireRelease(release);
        return ReleaseNote.<ReleaseNote>list("release = ?1 order by id", release).stream().map(n -> new NoteView(
                AutoDeployPackage.<AutoDeployPackage>findById(n.packageId).version, n.body, n.state, n.attempts, n.lastError,
                n.createdAt, n.postedAt, n.correctedAt, n.gitlabNoteId)).toList();
    }

    private static void requireRelease(String release) {
        if (!release.matches("\\d{1,4}\\.\\d{1,4}")) {
            throw ApiException.badRequest("a release is major.minor, e.g. 14.8; got '" + release + "'");
        }
    }
}
