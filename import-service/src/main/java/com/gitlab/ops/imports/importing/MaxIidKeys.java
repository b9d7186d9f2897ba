package com.gitlab.ops.imports.importing;

import static com.gitlab.ops.imports.iid.IidScope.GROUP;
import static com.gitlab.ops.imports.iid.IidScope.PROJECT;
import static java.util.Map.entry;

import com.gitlab.ops.imports.iid.IidScope;
import java.util.Map;

/**
 * The keys of {@code max_iids}, and the counter each raises: GitLab's
 * {@code Gitlab::Import::IidPreallocator::TRACKABLE_RESOURCES} (with EE's epics and iterations), and
 * the usage names this service took before, kept as aliases.
 */
final class MaxIidKeys {

    /** The counter a key raises: a usage, counted per project or per group. */
    record Target(String usage, IidScope scope) {
    }

    private static final Map<String, Target> KEYS = Map.ofEntries(
            // GitLab's pre-allocator keys.
            entry("issues", new Target("issues", PROJECT)),
            entry("merge_requests", new Target("merge_requests", PROJECT)),
            entry("project_milestones", new Target("milestones", PROJECT)),
            entry("group_milestones", new Target("milestones", GROUP)),
            entry("ci_pipelines", new Target("ci_pipelines", PROJECT)),
            entry("design_management_designs", new Target("design_management_designs", PROJECT)),
            entry("epics", new Target("epics", GROUP)),
            entry("iterations", new Target("sprints", GROUP)),
            // Usage names accepted before, as aliases: milestones and sprints of the same scope as GitLab's keys.
            entry("milestones", new Target("milestones", PROJECT)),
            entry("sprints", new Target("sprints", GROUP)),
            entry("deployments", new Target("deployments", PROJECT)),
            entry("operations_feature_flags", new Target("operations_feature_flags", PROJECT)),
            entry("operations_user_lists", new Target("operations_user_lists", PROJECT)),
            entry("alert_management_alerts", new Target("alert_management_alerts", PROJECT)));

    private MaxIidKeys() {
    }

    static Target of(String key) {
        return KEYS.get(key);
    }

    static String known() {
        return String.join(", ", KEYS.keySet().stream().sorted().toList());
    }
}
