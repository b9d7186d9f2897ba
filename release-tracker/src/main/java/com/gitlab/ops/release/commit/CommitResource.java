package com.gitlab.ops.release.commit;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.source.GitLabSourceException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;

/** {@code GET /api/commits/{sha}}: which package first contains a commit, and which environments run it now. */
@Path("/api/commits/{sha}")
@Produces(MediaType.APPLICATION_JSON)
public class CommitResource {

    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,40}");

    private final CommitLookup lookup;

    public CommitResource(CommitLookup lookup) {
        this.lookup = lookup;
    }

    @GET
    public CommitStatus status(@PathParam("sha") String sha) {
        if (!SHA.matcher(sha).matches()) {
            throw ApiException.badRequest("'" + sha + "' is not a commit sha: give 7 to 40 hexadecimal digits, e.g. 97d6e07c2a1");
        }
        try {
            return lookup.status(sha.toLowerCase())
                    .orElseThrow(() -> ApiException.notFound("commit " + sha + " is not in the GitLab repository"));
        } catch (GitLabSourceException e) {
            if (e.getCause() instanceof org.eclipse.jgit.errors.AmbiguousObjectException) {
                throw ApiException.badRequest(e.getMessage());
            }
            throw ApiException.unavailable("the GitLab repository cannot answer now: " + e.getMessage());
        }
    }
}
