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

/** A group's IID counters (epics, iterations, group milestones), with the guarantees of a project's. */
@Path("/api/groups/{groupId}/iids/{usage}")
@Produces(MediaType.APPLICATION_JSON)
public class GroupIidResource {

    private final IidCounterService counters;

    public GroupIidResource(IidCounterService counters) {
        this.counters = counters;
    }

    @POST
    @Path("/track")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public IidCounterService.LastValue track(@PathParam("groupId") long groupId, @PathParam("usage") String usage,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = IidCounterService.Iid.class))) ObjectNode body) {
        return counters.track(IidUsage.require(IidScope.GROUP, groupId, usage), body);
    }

    @GET
    public IidCounterService.LastValue get(@PathParam("groupId") long groupId, @PathParam("usage") String usage) {
        return counters.get(IidUsage.require(IidScope.GROUP, groupId, usage));
    }
}
