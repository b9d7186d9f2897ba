package com.gitlab.ops.incident.alert;

import com.gitlab.ops.platform.error.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/projects/{projectId}/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    @GET
    @Path("/{alertIid}")
    public AlertView get(@PathParam("projectId") long projectId, @PathParam("alertIid") long alertIid) {
        return Alert.findByIid(projectId, alertIid).map(AlertView::of)
                .orElseThrow(() -> ApiException.notFound("alert " + alertIid + " of project " + projectId + " has not been received"));
    }
}
