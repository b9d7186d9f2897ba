package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.imports.iid.Counter;
import com.gitlab.ops.imports.iid.IidScope;
import com.gitlab.ops.imports.iid.IidUsage;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code max_iids} of an import, checked entry by entry: valid entries are reserved, each on the
 * counter its key names (the project's, or the group's given by {@code namespace_id}), the others
 * are left out with the reason, so one bad entry never stops the rest. A group entity's import (no
 * project) reserves only group counters.
 */
public record MaxIids(Map<String, Entry> valid, Map<String, String> rejected) {

    /** A valid entry: the counter it raises, to at least {@code max}. */
    public record Entry(Counter counter, long max) {
    }

    /**
     * @param projectId the project of its project-scoped counters, or null for a group entity
     * @param namespaceId the group of its group-scoped counters, or null
     */
    public static MaxIids parse(JsonNode maxIids, Long projectId, Long namespaceId) {
        Map<String, Entry> valid = new TreeMap<>();
        Map<String, String> rejected = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = maxIids.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            MaxIidKeys.Target target = MaxIidKeys.of(key);
            if (target == null) {
                rejected.put(key, "unknown usage; known usages are " + MaxIidKeys.known());
            } else if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1 || value.asLong() > IidUsage.MAX_IID) {
                rejected.put(key, "must be an integer from 1 to " + IidUsage.MAX_IID + ", got " + value);
            } else if (target.scope() == IidScope.GROUP && namespaceId == null) {
                rejected.put(key, "is counted per group: send namespace_id, the id of the group the project belongs to");
            } else if (target.scope() == IidScope.PROJECT && projectId == null) {
                rejected.put(key, "is counted per project, and this import is of a group (no project_id): a group entity reserves "
                        + "only its group's counters (group_milestones, epics, iterations)");
            } else {
                Counter counter = target.scope() == IidScope.GROUP
                        ? Counter.ofGroup(namespaceId, target.usage()) : Counter.ofProject(projectId, target.usage());
                valid.put(key, new Entry(counter, value.asLong()));
            }
        }
        return new MaxIids(valid, rejected);
    }
}
