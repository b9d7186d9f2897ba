package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.escalation.EscalationStatusName;

/** The data of {@code incident.paged}: one page, the rule that fired and its target. */
public record IncidentPaged(long projectId, long incidentIid, long policyId, Rule rule, Long userId, Long oncallScheduleId) {

    public static final String TYPE = "incident.paged";
    public static final String TOPIC = "incident-pages";

    public record Rule(EscalationStatusName status, int elapsedTimeSeconds) {
    }
}
