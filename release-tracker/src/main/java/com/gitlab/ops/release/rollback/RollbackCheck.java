package com.gitlab.ops.release.rollback;

import java.util.List;

/**
 * The answer to "may this environment be rolled back to that package?": safe only when nothing
 * blocks it and nothing is unknown.
 */
public record RollbackCheck(boolean safe, List<Blocking> blocking, List<Unknown> unknown) {

    /** A post-migration introduced after the target that has already run on the environment. */
    public record Blocking(String path, String packageVersion) {
    }

    /** A package whose post-migrations could not be worked out, or the target itself, and why. */
    public record Unknown(String packageVersion, String reason) {
    }

    public static RollbackCheck of(List<Blocking> blocking, List<Unknown> unknown) {
        return new RollbackCheck(blocking.isEmpty() && unknown.isEmpty(), blocking, unknown);
    }
}
