package com.gitlab.ops.incident.escalation;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.platform.flags.ProjectActor;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code incident_escalations}: gates reading and changing escalation status through the API, and paging. */
@ApplicationScoped
public class EscalationFlag {

    public static final String NAME = "incident_escalations";

    private final FeatureFlagService flags;

    public EscalationFlag(FeatureFlagService flags) {
        this.flags = flags;
    }

    public boolean isOn(long projectId, String projectPath) {
        return flags.isEnabled(NAME, new ProjectActor(projectId, projectPath));
    }

    /** A person may change escalation status only while the flag is on for the project: else 403 with why. */
    public void requireOnToChange(long projectId, String projectPath) {
        if (!isOn(projectId, projectPath)) {
            throw ApiException.forbidden("escalation status cannot be changed: the " + NAME + " feature flag is off for project " + projectId);
        }
    }
}
