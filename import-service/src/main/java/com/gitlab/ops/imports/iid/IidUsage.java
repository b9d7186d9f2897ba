package com.gitlab.ops.imports.iid;

import static com.gitlab.ops.imports.iid.IidScope.GROUP;
import static com.gitlab.ops.imports.iid.IidScope.PROJECT;
import static java.util.Map.entry;

import com.gitlab.ops.platform.error.ApiException;
import java.util.Map;
import java.util.Set;

/**
 * GitLab's internal ID usages ({@code Enums::InternalId.usage_resources}, with EE's), each with the
 * scopes its models count it in ({@code has_internal_id ... scope:}): milestones and iterations
 * ({@code sprints}) are numbered per project and per group, epics per group, the rest per project.
 */
public final class IidUsage {

    private static final Map<String, Set<IidScope>> SCOPES = Map.ofEntries(
            entry("issues", Set.of(PROJECT)),
            entry("merge_requests", Set.of(PROJECT)),
            entry("deployments", Set.of(PROJECT)),
            entry("milestones", Set.of(PROJECT, GROUP)),
            entry("epics", Set.of(GROUP)),
            entry("ci_pipelines", Set.of(PROJECT)),
            entry("operations_feature_flags", Set.of(PROJECT)),
            entry("operations_user_lists", Set.of(PROJECT)),
            entry("alert_management_alerts", Set.of(PROJECT)),
            entry("sprints", Set.of(PROJECT, GROUP)),
            entry("design_management_designs", Set.of(PROJECT)),
            entry("incident_management_oncall_schedules", Set.of(PROJECT)),
            entry("ml_experiments", Set.of(PROJECT)),
            entry("ml_candidates", Set.of(PROJECT)),
            entry("requirements", Set.of(PROJECT)));

    /** IIDs are 32-bit in GitLab's tables. */
    public static final long MAX_IID = Integer.MAX_VALUE;

    private IidUsage() {
    }

    /** The usages counted in a scope, sorted, for a sentence. */
    public static String known(IidScope scope) {
        return String.join(", ", SCOPES.entrySet().stream().filter(e -> e.getValue().contains(scope)).map(Map.Entry::getKey).sorted().toList());
    }

    /** The counter, or a 400 whose sentence says what to ask instead. */
    public static Counter require(IidScope scope, long scopeId, String usage) {
        if (scopeId <= 0) {
            throw ApiException.badRequest(scope.value() + " id must be a positive integer");
        }
        Set<IidScope> scopes = SCOPES.get(usage);
        if (scopes == null) {
            throw ApiException.badRequest("unknown usage '" + usage + "'; the usages of a " + scope.value() + " are " + known(scope));
        }
        if (!scopes.contains(scope)) {
            IidScope other = scope == PROJECT ? GROUP : PROJECT;
            throw ApiException.badRequest("'" + usage + "' is counted per " + other.value() + ", not per " + scope.value() + "; use "
                    + other.path() + usage);
        }
        return new Counter(scope, scopeId, usage);
    }
}
