package com.gitlab.ops.incident.incident;

import com.gitlab.ops.incident.escalation.EscalationChange;
import com.gitlab.ops.incident.escalation.EscalationFlag;
import com.gitlab.ops.incident.escalation.EscalationStatusName;
import com.gitlab.ops.incident.escalation.EscalationStatusService;
import com.gitlab.ops.incident.policy.EscalationPolicyService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

@Path("/api/projects/{projectId}/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IncidentResource {

    private final IncidentIidAllocator iids;
    private final IncidentCreator creator;
    private final EscalationStatusService escalations;
    private final EscalationPolicyService policies;
    private final EscalationFlag flag;

    public IncidentResource(IncidentIidAllocator iids, IncidentCreator creator, EscalationStatusService escalations, EscalationPolicyService policies,
            EscalationFlag flag) {
        this.iids = iids;
        this.creator = creator;
        this.escalations = escalations;
        this.policies = policies;
        this.flag = flag;
    }

    /**
     * An incident by hand. A status or a policy given here creates its escalation status record at
     * once, and is a change of escalation status like PATCH: refused while the flag is off. Its number
     * is the project's next issues IID from import-service, taken before the transaction that
     * creates it; while import-service cannot give one the answer is 503 with Retry-After.
     */
    @POST
    public Response create(@PathParam("projectId") long projectId,
            @Valid @NotNull(message = "send a JSON body with at least a title") CreateIncidentRequest request) {
        Incidents.requirePositive(projectId);
        Optional<Long> policy = Optional.ofNullable(request.escalationPolicyId());
        Optional<EscalationStatusName> status = Optional.ofNullable(request.status()).flatMap(EscalationStatusName::ofName);
        if (policy.isPresent() || status.isPresent()) {
            flag.requireOnToChange(projectId, request.projectPath());
        }
        // Checked before a number is taken, so that a refused request leaves no gap.
        policy.ifPresent(id -> QuarkusTransaction.requiringNew().run(() -> policies.requireInProject(projectId, id)));
        long iid = iids.next(projectId);
        IncidentView created = QuarkusTransaction.requiringNew().call(() -> {
            Incident incident = creator.create(projectId, iid, request.projectPath(), request.title(),
                    request.severity() == null ? "unknown" : request.severity());
            if (status.isPresent() || policy.isPresent()) {
                escalations.change(incident, EscalationChange.byUser(status, policy.map(Optional::of)), EscalationStatusService.Reason.API);
            }
            return IncidentView.of(incident, flag.isOn(projectId, incident.projectPath));
        });
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Path("/{incidentIid}")
    @Transactional
    public IncidentView get(@PathParam("projectId") long projectId, @PathParam("incidentIid") long incidentIid) {
        Incident incident = Incidents.require(projectId, incidentIid);
        return IncidentView.of(incident, flag.isOn(projectId, incident.projectPath));
    }
}
