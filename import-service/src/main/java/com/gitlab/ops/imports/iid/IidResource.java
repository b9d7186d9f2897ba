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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** A project's IID counters: track an imported number, read the last ({@code next} is {@link IidNextRoute}). */
@Path("/api/projects/{projectId}/iids/{usage}")
@Produces(MediaType.APPLICATION_JSON)
public class IidResource {

    private final IidCounterService counters;

    public IidResource(IidCounterService counters) {
        this.counters = counters;
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
