package com.gitlab.ops.imports.iid;

import java.util.Set;

/** GitLab's internal ID usages: the kinds of record numbered per project. */
public final class IidUsage {

    public static final Set<String> ALL = Set.of("issues", "merge_requests", "deployments", "milestones", "epics",
            "ci_pipelines", "operations_feature_flags", "operations_user_lists", "alert_management_alerts", "sprints",
            "design_management_designs");

    /** IIDs are 32-bit in GitLab's tables. */
    public static final long MAX_IID = Integer.MAX_VALUE;

    private IidUsage() {
    }

    public static boolean isKnown(String usage) {
        return ALL.contains(usage);
    }

    public static String known() {
        return String.join(", ", ALL.stream().sorted().toList());
    }
}
