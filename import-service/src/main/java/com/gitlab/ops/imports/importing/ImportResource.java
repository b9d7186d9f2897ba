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

    private static final String USAGE = "give a project or a group: /api/imports?project_id=<positive integer> "
            + "or /api/imports?namespace_id=<positive integer>";

    private final ObjectMapper mapper;

    public ImportResource(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A project's imports, or a group's: its group entities' and those of its projects that named it. */
    @GET
    public List<ImportView> imports(@QueryParam("project_id") String projectId, @QueryParam("namespace_id") String namespaceId) {
        // Strings, read here: JAX-RS answers 404 to a query parameter it cannot convert, which says nothing useful.
        Long project = id(projectId);
        Long group = id(namespaceId);
        if ((project == null) == (group == null)) {
            throw ApiException.badRequest(USAGE);
        }
        List<ImportRecord> records = project != null
                ? ImportRecord.list("projectId = ?1 order by id", project)
                : ImportRecord.list("namespaceId = ?1 order by id", group);
        return records.stream().map(r -> ImportView.of(r, mapper)).toList();
    }

    private static Long id(String value) {
        if (value == null) {
            return null;
        }
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw ApiException.badRequest(USAGE);
    }
}
