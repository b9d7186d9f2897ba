package com.gitlab.ops.platform.flags;

/**
 * The project a flag is evaluated for: GitLab's actor. {@code projectId} drives percentage-of-actors
 * rollouts (stickiness), {@code projectPath} the named-project constraint. The path may be unknown.
 */
public record ProjectActor(long projectId, String projectPath) {

    public static ProjectActor of(long projectId) {
        return new ProjectActor(projectId, null);
    }
}
