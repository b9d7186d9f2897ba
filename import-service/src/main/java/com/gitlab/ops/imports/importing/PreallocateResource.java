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

// Its own class: under the counters' path "{usage}" would match "preallocate" first.
@Path("/api/projects/{projectId}/iids/preallocate")
@Produces(MediaType.APPLICATION_JSON)
public class PreallocateResource {

    private final IidPreallocation preallocation;
    private final ObjectMapper mapper;

    public PreallocateResource(IidPreallocation preallocation, ObjectMapper mapper) {
        this.preallocation = preallocation;
        this.mapper = mapper;
    }

    /** The reservation an import start makes, synchronously, for importers that must wait for it. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public ImportView preallocate(@PathParam("projectId") long projectId,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PreallocateRequest.ProjectBody.class))) ObjectNode body) {
        return ImportView.of(preallocation.reserve(PreallocateRequest.ofProject(projectId, body), null), mapper);
    }
}
