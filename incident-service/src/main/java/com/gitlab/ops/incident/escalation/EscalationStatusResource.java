package com.gitlab.ops.incident.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.incident.alert.Alert;
import com.gitlab.ops.incident.incident.Incident;
import com.gitlab.ops.incident.incident.Incidents;
import com.gitlab.ops.incident.policy.EscalationPolicyService;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Changes an incident's escalation status while {@code incident_escalations} is on for its project.
 * A missing record is created by the first change.
 */
@Path("/api/projects/{projectId}/incidents/{incidentIid}/escalation-status")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EscalationStatusResource {

    private static final Set<String> FIELDS = Set.of("status", "policy_id");

    /** The body as the API documents it: either field, or both; a null policy_id clears the policy. */
    @Schema(name = "EscalationStatusChange")
    record Body(@Schema(enumeration = {"triggered", "acknowledged", "resolved", "ignored"}) String status, Long policyId) {
    }

    private final EscalationStatusService escalations;
    private final EscalationPolicyService policies;
    private final EscalationFlag flag;

    public EscalationStatusResource(EscalationStatusService escalations, EscalationPolicyService policies, EscalationFlag flag) {
        this.escalations = escalations;
        this.policies = policies;
        this.flag = flag;
    }

    @PATCH
    @Transactional
    public EscalationState update(@PathParam("projectId") long projectId, @PathParam("incidentIid") long incidentIid,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = Body.class))) ObjectNode body) {
        Incident incident = Incidents.requireLocked(projectId, incidentIid);
        flag.requireOnToChange(projectId, incident.projectPath);
        EscalationChange change = parse(body);
        change.policy().flatMap(p -> p).ifPresent(policyId -> policies.requireInProject(projectId, policyId));
        if (change.policy().isPresent() && !Alert.iidsOf(incident).isEmpty()) {
            throw ApiException.badRequest("incident " + incidentIid + " follows the escalation policy of its alert; change the policy on the alert");
        }
        return escalations.change(incident, change, EscalationStatusService.Reason.API);
    }

    private static EscalationChange parse(ObjectNode body) {
        if (body == null || body.isEmpty()) {
            throw ApiException.badRequest("send a JSON body with 'status' (" + EscalationStatusName.names() + "), 'policy_id', or both");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; known fields are policy_id, status");
            }
        }
        Optional<EscalationStatusName> status = Optional.empty();
        JsonNode statusNode = body.get("status");
        if (statusNode != null && !statusNode.isNull()) {
            status = Optional.of(EscalationStatusName.ofName(statusNode.isTextual() ? statusNode.asText() : "")
                    .orElseThrow(() -> ApiException.badRequest("'status' must be " + EscalationStatusName.names() + "; got " + statusNode)));
        }
        Optional<Optional<Long>> policy = Optional.empty();
        if (body.has("policy_id")) {
            JsonNode policyNode = body.get("policy_id");
            if (policyNode.isNull()) {
                policy = Optional.of(Optional.empty());
            } else if (policyNode.canConvertToLong() && policyNode.isIntegralNumber() && policyNode.asLong() > 0) {
                policy = Optional.of(Optional.of(policyNode.asLong()));
            } else {
                throw ApiException.badRequest("'policy_id' must be a positive integer, or null to clear the policy; got " + policyNode);
            }
        }
        return EscalationChange.byUser(status, policy);
    }
}
