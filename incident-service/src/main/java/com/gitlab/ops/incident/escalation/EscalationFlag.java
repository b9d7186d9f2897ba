package com.gitlab.ops.incident.escalation;

import com.gitlab.ops.platform.flags.FeatureFlags;
import com.gitlab.ops.platform.flags.ProjectActor;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code incident_escalations}: gates reading and changing escalation status through the API, and paging. */
@ApplicationScoped
public class EscalationFlag {

    public static final String NAME = "incident_escalations";

    private final FeatureFlags flags;

    public EscalationFlag(FeatureFlags flags) {
        this.flags = flags;
    }

    public boolean isOn(long projectId, String projectPath) {
        return flags.isEnabled(NAME, new ProjectActor(projectId, projectPath));
    }
}
