package com.gitlab.ops.release.commit;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Where a GitLab commit is (release-tools' {@code auto_deploy status <sha>}): the first package that
 * contains it, and per environment the package deployed there now and whether it contains it.
 */
public record CommitStatus(String sha, OffsetDateTime committedAt, PackageRef firstPackage, Map<String, EnvironmentStatus> environments) {

    /** A package, and when it was built. */
    public record PackageRef(String packageVersion, OffsetDateTime builtAt) {
    }

    /**
     * The package an environment runs now (none: never deployed there), since when, and whether it
     * has the commit (null: the repository does not have the package's commit, so it is not known).
     */
    public record EnvironmentStatus(String packageVersion, OffsetDateTime deployedAt, Boolean contains) {
    }
}
