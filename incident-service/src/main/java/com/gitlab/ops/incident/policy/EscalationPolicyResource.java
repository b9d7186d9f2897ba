package com.gitlab.ops.incident.policy;

import com.gitlab.ops.incident.incident.Incidents;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

@Path("/api/projects/{projectId}/escalation-policies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EscalationPolicyResource {

    private final EscalationPolicyService policies;

    public EscalationPolicyResource(EscalationPolicyService policies) {
        this.policies = policies;
    }

    @POST
    @Transactional
    public Response create(@PathParam("projectId") long projectId,
            @Valid @NotNull(message = "send a JSON body with name and rules") PolicyRequest request) {
        Incidents.requirePositive(projectId);
        return Response.status(Response.Status.CREATED).entity(PolicyView.of(policies.create(projectId, request))).build();
    }

    @GET
    public List<PolicyView> list(@PathParam("projectId") long projectId) {
        Incidents.requirePositive(projectId);
        return EscalationPolicy.findByProject(projectId).map(PolicyView::of).stream().toList();
    }

    @GET
    @Path("/{policyId}")
    public PolicyView get(@PathParam("projectId") long projectId, @PathParam("policyId") long policyId) {
        return EscalationPolicy.findForProject(projectId, policyId).map(PolicyView::of)
                .orElseThrow(() -> ApiException.notFound("escalation policy " + policyId + " does not exist in project " + projectId));
    }

    @DELETE
    @Path("/{policyId}")
    @Transactional
    public Response delete(@PathParam("projectId") long projectId, @PathParam("policyId") long policyId) {
        policies.delete(projectId, policyId);
        return Response.noContent().build();
    }
}
