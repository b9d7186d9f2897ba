package com.gitlab.ops.imports.iid;

/** Whose records a counter numbers, as GitLab's {@code InternalId} scopes them: a project's, or a group's. */
public enum IidScope {

    PROJECT("project", "/api/projects/{id}/iids/"),
    GROUP("group", "/api/groups/{id}/iids/");

    private final String name;
    private final String path;

    IidScope(String name, String path) {
        this.name = name;
        this.path = path;
    }

    /** As stored, and as sentences name it. */
    public String value() {
        return name;
    }

    /** Where its counters are, for a sentence that sends the caller there. */
    public String path() {
        return path;
    }
}
