package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.incident.Incidents;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

@Path("/api/projects/{projectId}/incidents/{incidentIid}/pages")
@Produces(MediaType.APPLICATION_JSON)
public class PagesResource {

    @GET
    public List<PageView> list(@PathParam("projectId") long projectId, @PathParam("incidentIid") long incidentIid) {
        Incident incident = Incidents.require(projectId, incidentIid);
        return IncidentPage.<IncidentPage>list("incidentId = ?1 order by pagedAt, id", incident.id).stream().map(PageView::of).toList();
    }
}
