package com.gitlab.ops.imports.iid;

/** One IID counter: a usage of a project or of a group. */
public record Counter(IidScope scope, long scopeId, String usage) {

    public static Counter ofProject(long projectId, String usage) {
        return new Counter(IidScope.PROJECT, projectId, usage);
    }

    public static Counter ofGroup(long groupId, String usage) {
        return new Counter(IidScope.GROUP, groupId, usage);
    }
}
