package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

@Path("/api/imports")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {

    private final ObjectMapper mapper;

    public ImportResource(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @GET
    public List<ImportView> imports(@QueryParam("project_id") Long projectId) {
        if (projectId == null || projectId <= 0) {
            throw ApiException.badRequest("give the project: /api/imports?project_id=<positive integer>");
        }
        return ImportRecord.<ImportRecord>list("projectId = ?1 order by id", projectId).stream()
                .map(r -> ImportView.of(r, mapper)).toList();
    }
}
