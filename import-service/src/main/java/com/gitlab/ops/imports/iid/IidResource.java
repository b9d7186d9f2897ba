package com.gitlab.ops.imports.iid;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A project's IID counters: allocate the next number, track an imported one, read the last. */
@Path("/api/projects/{projectId}/iids/{usage}")
@Produces(MediaType.APPLICATION_JSON)
public class IidResource {

    public record Iid(long iid) {
    }

    public record LastValue(long lastValue) {
    }

    private final IidAllocator allocator;
    private final InternalIds ids;

    public IidResource(IidAllocator allocator, InternalIds ids) {
        this.allocator = allocator;
        this.ids = ids;
    }

    /** Never the same number twice for a project and usage, under any concurrency. */
    @POST
    @Path("/next")
    public CompletionStage<Iid> next(@PathParam("projectId") long projectId, @PathParam("usage") String usage) {
        requireCounter(projectId, usage);
        return allocator.next(projectId, usage).thenApply(Iid::new);
    }

    /** An imported record took this IID: the counter is raised to at least it, never lowered. */
    @POST
    @Path("/track")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public LastValue track(@PathParam("projectId") long projectId, @PathParam("usage") String usage, JsonNode body) {
        requireCounter(projectId, usage);
        JsonNode iid = body == null ? null : body.get("iid");
        if (iid == null || !iid.isIntegralNumber() || !iid.canConvertToLong() || iid.asLong() < 1 || iid.asLong() > IidUsage.MAX_IID) {
            throw ApiException.badRequest("send {\"iid\": n} with n an integer from 1 to " + IidUsage.MAX_IID);
        }
        return new LastValue(ids.track(projectId, usage, iid.asLong()));
    }

    @GET
    public LastValue get(@PathParam("projectId") long projectId, @PathParam("usage") String usage) {
        requireCounter(projectId, usage);
        return new LastValue(ids.lastValue(projectId, usage));
    }

    @ServerExceptionMapper
    public Response unavailable(IidsUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(new com.gitlab.ops.platform.error.ErrorResponse(e.getMessage())).build();
    }

    static void requireCounter(long projectId, String usage) {
        if (projectId <= 0) {
            throw ApiException.badRequest("project id must be a positive integer");
        }
        if (!IidUsage.isKnown(usage)) {
            throw ApiException.badRequest("unknown usage '" + usage + "'; known usages are " + IidUsage.known());
        }
    }
}
