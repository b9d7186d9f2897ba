package com.gitlab.ops.imports.iid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** A project's IID counters: allocate the next number, track an imported one, read the last. */
@Path("/api/projects/{projectId}/iids/{usage}")
@Produces(MediaType.APPLICATION_JSON)
public class IidResource {

    private final IidCounterService counters;

    public IidResource(IidCounterService counters) {
        this.counters = counters;
    }

    /** Never the same number twice for a project and usage, under any concurrency; {"count": n} takes n at once: {"iid": last, "first": first}. */
    @POST
    @Path("/next")
    public CompletionStage<IidCounterService.Allocated> next(@PathParam("projectId") long projectId, @PathParam("usage") String usage,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = IidCounterService.NextRequest.class))) String body) {
        return counters.next(IidUsage.require(IidScope.PROJECT, projectId, usage), body);
    }

    /** An imported record took this IID: the counter is raised to at least it, never lowered. */
    @POST
    @Path("/track")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public IidCounterService.LastValue track(@PathParam("projectId") long projectId, @PathParam("usage") String usage,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = IidCounterService.Iid.class))) ObjectNode body) {
        return counters.track(IidUsage.require(IidScope.PROJECT, projectId, usage), body);
    }

    @GET
    public IidCounterService.LastValue get(@PathParam("projectId") long projectId, @PathParam("usage") String usage) {
        return counters.get(IidUsage.require(IidScope.PROJECT, projectId, usage));
    }
}
