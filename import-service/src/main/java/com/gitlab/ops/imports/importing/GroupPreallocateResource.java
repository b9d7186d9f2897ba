package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

// Its own class, as PreallocateResource: under the group counters' path "{usage}" would match first.
@Path("/api/groups/{groupId}/iids/preallocate")
@Produces(MediaType.APPLICATION_JSON)
public class GroupPreallocateResource {

    private final IidPreallocation preallocation;
    private final ObjectMapper mapper;

    public GroupPreallocateResource(IidPreallocation preallocation, ObjectMapper mapper) {
        this.preallocation = preallocation;
        this.mapper = mapper;
    }

    /** A direct-transfer group entity's reservation (epics, iterations, group milestones), synchronously. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public ImportView preallocate(@PathParam("groupId") long groupId,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PreallocateRequest.GroupBody.class))) ObjectNode body) {
        return ImportView.of(preallocation.reserve(PreallocateRequest.ofGroup(groupId, body), null), mapper);
    }
}
