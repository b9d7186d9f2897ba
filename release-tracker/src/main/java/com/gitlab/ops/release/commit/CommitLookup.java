package com.gitlab.ops.release.commit;

import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.source.GitLabSource;
import com.gitlab.ops.release.source.GitLabSourceException;
import com.gitlab.ops.release.source.SourceCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which packages contain a commit. A package contains it when the package's GitLab commit is the
 * commit or descends from it. Only packages built after the commit was made (less a day, for clocks
 * that disagree) can contain it, so older ones are not looked at.
 */
@ApplicationScoped
public class CommitLookup {

    private static final Duration CLOCK_SKEW = Duration.ofDays(1);

    private final EntityManager em;
    private final GitLabSource source;
    private final ReleaseTrackerConfig config;

    public CommitLookup(EntityManager em, GitLabSource source, ReleaseTrackerConfig config) {
        this.em = em;
        this.source = source;
        this.config = config;
    }

    /** Empty when the repository does not know the commit. */
    public Optional<CommitStatus> status(String sha) throws GitLabSourceException {
        Optional<SourceCommit> found = source.commit(sha);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SourceCommit commit = found.get();
        Map<String, CommitStatus.EnvironmentStatus> environments = new LinkedHashMap<>();
        for (String environment : config.environments()) {
            @SuppressWarnings("unchecked")
            List<Object[]> now = em.createNativeQuery("""
                            SELECT p.version, p.gitlab_commit, d.last_deployed_at FROM deployment d JOIN package p ON p.id = d.package_id
                            WHERE d.environment = :env ORDER BY d.last_deployed_at DESC, p.built_at DESC, p.version DESC LIMIT 1""")
                    .setParameter("env", environment).getResultList();
            if (now.isEmpty()) {
                environments.put(environment, new CommitStatus.EnvironmentStatus(null, null, false));
            } else {
                Object[] row = now.get(0);
                environments.put(environment, new CommitStatus.EnvironmentStatus((String) row[0], time(row[2]),
                        source.contains(((String) row[1]).trim(), commit.sha()).orElse(null)));
            }
        }
        OffsetDateTime since = commit.committedAt().minus(CLOCK_SKEW).atOffset(ZoneOffset.UTC);
        Optional<CommitStatus.PackageRef> first = firstContaining(commit, "built_at >= :since", since);
        if (first.isEmpty() && environments.values().stream().anyMatch(e -> Boolean.TRUE.equals(e.contains()))) {
            // A package that has it but claims to be built before it was made: clocks disagree; look at the older ones too.
            first = firstContaining(commit, "built_at < :since", since);
        }
        return Optional.of(new CommitStatus(commit.sha(), commit.committedAt().atOffset(ZoneOffset.UTC), first.orElse(null), environments));
    }

    private Optional<CommitStatus.PackageRef> firstContaining(SourceCommit commit, String builtWhen, OffsetDateTime since)
            throws GitLabSourceException {
        @SuppressWarnings("unchecked")
        List<Object[]> candidates = em.createNativeQuery(
                        "SELECT version, gitlab_commit, built_at FROM package WHERE " + builtWhen + " ORDER BY built_at, version")
                .setParameter("since", since).getResultList();
        for (Object[] row : candidates) {
            if (source.contains(((String) row[1]).trim(), commit.sha()).orElse(false)) {
                return Optional.of(new CommitStatus.PackageRef((String) row[0], time(row[2])));
            }
        }
        return Optional.empty();
    }

    private static OffsetDateTime time(Object value) {
        return ((Instant) value).atOffset(ZoneOffset.UTC);
    }
}
