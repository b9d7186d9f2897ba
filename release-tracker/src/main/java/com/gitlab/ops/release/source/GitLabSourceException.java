package com.gitlab.ops.release.source;

/** The GitLab source could not answer (not configured, not reachable, a commit missing); the message says why. */
public class GitLabSourceException extends Exception {

    public GitLabSourceException(String message) {
        super(message);
    }

    public GitLabSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
