package com.gitlab.ops.imports.iid;

import com.gitlab.ops.platform.error.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A counter's round trip failed (the database, say): 503 with the reason, for project and group counters alike. */
public class IidsUnavailableMapper {

    @ServerExceptionMapper
    public Response unavailable(IidsUnavailableException e) {
        return response(e);
    }

    /** The answer, also for IID next's Vert.x route. */
    static Response response(IidsUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON).header("Retry-After", "5")
                .entity(new ErrorResponse(e.getMessage())).build();
    }
}
