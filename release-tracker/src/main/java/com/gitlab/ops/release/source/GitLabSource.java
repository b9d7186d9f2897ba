package com.gitlab.ops.release.source;

import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The GitLab source repository: a local path, or a URL cloned once (bare, under the cache directory)
 * and fetched again when a commit is missing. Every clone and fetch has a time limit and is counted
 * when it fails; callers never hold a database transaction open across these calls.
 */
@ApplicationScoped
public class GitLabSource {

    public static final String POST_MIGRATE = "db/post_migrate";
    private static final Duration LOOKUP_FETCH_INTERVAL = Duration.ofMinutes(1);

    private final ReleaseTrackerConfig config;
    private final Counter fetchFailures;
    private Git git;
    private final Clock clock;
    private Instant lastFetch = Instant.EPOCH;

    public GitLabSource(ReleaseTrackerConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.fetchFailures = Counter.builder("release.tracker.repository.fetch.failures")
                .description("Clones and fetches of the GitLab source repository that failed").register(registry);
    }

    /**
     * The post-deploy migrations added between two commits: a tree diff, like
     * {@code git diff --name-only --diff-filter=A A B -- db/post_migrate}, whose cost does not grow
     * with the number of commits between them.
     */
    public synchronized List<String> postMigrationsAdded(String fromCommit, String toCommit) throws GitLabSourceException {
        Repository repository = open().getRepository();
        ObjectId from = require(repository, fromCommit);
        ObjectId to = require(repository, toCommit);
        try (RevWalk walk = new RevWalk(repository); DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setRepository(repository);
            diff.setPathFilter(PathFilter.create(POST_MIGRATE));
            diff.setDetectRenames(false);
            return diff.scan(walk.parseCommit(from).getTree(), walk.parseCommit(to).getTree()).stream()
                    .filter(e -> e.getChangeType() == DiffEntry.ChangeType.ADD)
                    .map(DiffEntry::getNewPath)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new GitLabSourceException("reading " + fromCommit + ".." + toCommit + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A commit named by 7 to 40 hex digits; empty when the repository does not know it. A commit not
     * there yet is fetched for, but at most once a minute: anyone can ask for any sha.
     */
    public synchronized Optional<SourceCommit> commit(String sha) throws GitLabSourceException {
        Repository repository = open().getRepository();
        ObjectId id = find(repository, sha);
        if (id == null && isRemote() && lastFetch.plus(LOOKUP_FETCH_INTERVAL).isBefore(clock.instant())) {
            fetch();
            id = find(repository, sha);
        }
        if (id == null) {
            return Optional.empty();
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(id);
            return Optional.of(new SourceCommit(commit.name(), Instant.ofEpochSecond(commit.getCommitTime())));
        } catch (IOException e) {
            throw new GitLabSourceException("reading commit " + sha + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code commit} is {@code tip} or one of its ancestors; empty when the repository does
     * not know one of them (a package built from a commit never fetched): not known is not "no".
     */
    public synchronized Optional<Boolean> contains(String tip, String commit) throws GitLabSourceException {
        Repository repository = open().getRepository();
        ObjectId tipId = find(repository, tip);
        ObjectId commitId = find(repository, commit);
        if (tipId == null || commitId == null) {
            return Optional.empty();
        }
        try (RevWalk walk = new RevWalk(repository)) {
            return Optional.of(walk.isMergedInto(walk.parseCommit(commitId), walk.parseCommit(tipId)));
        } catch (IOException e) {
            throw new GitLabSourceException("comparing " + commit + " with " + tip + " failed: " + e.getMessage(), e);
        }
    }

    private ObjectId require(Repository repository, String commit) throws GitLabSourceException {
        ObjectId id = find(repository, commit);
        if (id == null && isRemote()) {
            fetch();
            id = find(repository, commit);
        }
        if (id == null) {
            throw new GitLabSourceException("commit " + commit + " is not in the GitLab repository " + location()
                    + (isRemote() ? " (fetched just now)" : "") + "; it will be looked for again");
        }
        return id;
    }

    private static ObjectId find(Repository repository, String commit) throws GitLabSourceException {
        try {
            return repository.resolve(commit + "^{commit}");
        } catch (AmbiguousObjectException e) {
            throw new GitLabSourceException("'" + commit + "' names more than one commit; give more of its digits", e);
        } catch (IncorrectObjectTypeException | MissingObjectException e) {
            return null; // not a commit, or a full id the repository does not have
        } catch (IOException e) {
            throw new GitLabSourceException("commit " + commit + " cannot be resolved: " + e.getMessage(), e);
        } catch (RevisionSyntaxException e) {
            return null;
        }
    }

    private Git open() throws GitLabSourceException {
        if (git != null) {
            return git;
        }
        String location = location();
        try {
            if (isRemote()) {
                File dir = new File(config.gitCacheDir(), UUID.nameUUIDFromBytes(location.getBytes(StandardCharsets.UTF_8)).toString());
                git = dir.exists() ? Git.open(dir)
                        : Git.cloneRepository().setURI(location).setDirectory(dir).setBare(true).setTimeout(timeoutSeconds()).call();
            } else {
                git = Git.open(new File(location));
            }
            return git;
        } catch (IOException | GitAPIException | RuntimeException e) {
            if (isRemote()) {
                fetchFailures.increment();
            }
            throw new GitLabSourceException("the GitLab repository " + location + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private void fetch() throws GitLabSourceException {
        lastFetch = clock.instant();
        try {
            git.fetch().setRemote("origin").setTimeout(timeoutSeconds()).call();
        } catch (GitAPIException | RuntimeException e) {
            fetchFailures.increment();
            throw new GitLabSourceException("fetching " + location() + " failed: " + e.getMessage(), e);
        }
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, config.gitFetchTimeout().toSeconds());
    }

    private String location() throws GitLabSourceException {
        return config.gitRepository().filter(s -> !s.isBlank()).orElseThrow(() -> new GitLabSourceException(
                "no GitLab repository is configured: set RELEASE_TRACKER_GIT_REPOSITORY to a path or URL"));
    }

    private boolean isRemote() throws GitLabSourceException {
        String location = location();
        return location.contains("://") || location.startsWith("git@");
    }

    @PreDestroy
    synchronized void close() {
        if (git != null) {
            git.close();
        }
    }
}
