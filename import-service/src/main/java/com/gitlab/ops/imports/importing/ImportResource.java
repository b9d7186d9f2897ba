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

    /** A project's imports, or a group's: its group entities' and those of its projects that named it. */
    @GET
    public List<ImportView> imports(@QueryParam("project_id") Long projectId, @QueryParam("namespace_id") Long namespaceId) {
        if ((projectId == null) == (namespaceId == null) || (projectId != null && projectId <= 0) || (namespaceId != null && namespaceId <= 0)) {
            throw ApiException.badRequest("give a project or a group: /api/imports?project_id=<positive integer> "
                    + "or /api/imports?namespace_id=<positive integer>");
        }
        List<ImportRecord> records = projectId != null
                ? ImportRecord.list("projectId = ?1 order by id", projectId)
                : ImportRecord.list("namespaceId = ?1 order by id", namespaceId);
        return records.stream().map(r -> ImportView.of(r, mapper)).toList();
    }
}
