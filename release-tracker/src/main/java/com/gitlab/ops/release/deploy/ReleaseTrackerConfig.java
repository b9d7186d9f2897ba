package com.gitlab.ops.release.deploy;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** release-tracker's settings, with their defaults in application.properties; each is overridable by an environment variable. */
@ConfigMapping(prefix = "release-tracker")
public interface ReleaseTrackerConfig {

    /** The environments packages are deployed to. */
    List<String> environments();

    /** The jobs that must all succeed on an environment for a package to count as deployed there. */
    List<String> requiredJobs();

    /** Where post-migrations are computed: each package is compared with the one deployed there before it. */
    String referenceEnvironment();

    /** The GitLab source repository: a local path or a URL JGit can fetch. */
    Optional<String> gitRepository();

    /** Where a repository given by URL is cloned. */
    String gitCacheDir();

    /** How long a clone or fetch of the repository may go without an answer before it fails (and is retried later). */
    Duration gitFetchTimeout();

    /** GitLab's API, to post notes on release issues; notes are only kept when it is not set. */
    Optional<String> gitlabUrl();

    Optional<String> gitlabToken();

    /** The project (id or full path) holding the monthly release issues ("Release 14.8"). */
    Optional<String> gitlabProject();

    /** How long one request to GitLab's API may take. */
    Duration gitlabTimeout();

    /**
     * How long a worker (of any instance) owns a package to work out or a note to send before another
     * may take it over: longer than the work's own time limits, so that only a crashed worker loses it.
     */
    Duration claimLease();

    /**
     * The Slack app's signing secret: {@code POST /slack/commands} answers only requests signed with
     * it, and does not exist without it.
     */
    Optional<String> slackSigningSecret();
}
