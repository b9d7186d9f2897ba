package com.gitlab.ops.release.source;

import java.time.Instant;

/** A commit of the GitLab source: its full id and when it was committed. */
public record SourceCommit(String sha, Instant committedAt) {
}
