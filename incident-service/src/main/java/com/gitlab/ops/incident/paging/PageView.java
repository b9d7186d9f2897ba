package com.gitlab.ops.incident.paging;

import com.gitlab.ops.incident.escalation.EscalationStatusName;
import java.time.OffsetDateTime;

/** A page sent for an incident, as the API shows it. */
public record PageView(long policyId, IncidentPaged.Rule rule, Long userId, Long oncallScheduleId, OffsetDateTime pagedAt) {

    public static PageView of(IncidentPage page) {
        return new PageView(page.policyId, new IncidentPaged.Rule(EscalationStatusName.ofCode(page.ruleStatus), page.elapsedTimeSeconds),
                page.userId, page.oncallScheduleId, page.pagedAt);
    }
}
