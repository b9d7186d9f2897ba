package com.gitlab.ops.release.migration;

import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * Reads which post-deploy migrations a package added: the files added under {@code db/post_migrate/}
 * between two GitLab commits, from the configured repository (a path, or a URL cloned once and
 * fetched again when a commit is missing). A tree diff of the two commits, like
 * {@code git diff --name-only --diff-filter=A A B -- db/post_migrate}: its cost does not grow with
 * the number of commits between them.
 */
@ApplicationScoped
public class PostMigrationFinder {

    static final String DIRECTORY = "db/post_migrate";

    private final ReleaseTrackerConfig config;
    private Git git;

    public PostMigrationFinder(ReleaseTrackerConfig config) {
        this.config = config;
    }

    public synchronized List<String> added(String fromCommit, String toCommit) throws PostMigrationLookupException {
        Repository repository = open().getRepository();
        ObjectId from = resolve(repository, fromCommit);
        ObjectId to = resolve(repository, toCommit);
        try (RevWalk walk = new RevWalk(repository); DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setRepository(repository);
            diff.setPathFilter(PathFilter.create(DIRECTORY));
            diff.setDetectRenames(false);
            return diff.scan(walk.parseCommit(from).getTree(), walk.parseCommit(to).getTree()).stream()
                    .filter(e -> e.getChangeType() == DiffEntry.ChangeType.ADD)
                    .map(DiffEntry::getNewPath)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PostMigrationLookupException("reading " + fromCommit + ".." + toCommit + " failed: " + e.getMessage(), e);
        }
    }

    private ObjectId resolve(Repository repository, String commit) throws PostMigrationLookupException {
        ObjectId id = find(repository, commit);
        if (id == null && isRemote()) {
            fetch();
            id = find(repository, commit);
        }
        if (id == null) {
            throw new PostMigrationLookupException("commit " + commit + " is not in the GitLab repository " + location()
                    + (isRemote() ? " (fetched just now)" : "") + "; it will be looked for again");
        }
        return id;
    }

    private static ObjectId find(Repository repository, String commit) throws PostMigrationLookupException {
        try {
            return repository.resolve(commit + "^{commit}");
        } catch (IOException e) {
            throw new PostMigrationLookupException("commit " + commit + " cannot be resolved: " + e.getMessage(), e);
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException e) {
            return null;
        }
    }

    private Git open() throws PostMigrationLookupException {
        if (git != null) {
            return git;
        }
        String location = location();
        try {
            if (isRemote()) {
                File dir = new File(config.gitCacheDir(), UUID.nameUUIDFromBytes(location.getBytes(StandardCharsets.UTF_8)).toString());
                git = dir.exists() ? Git.open(dir) : Git.cloneRepository().setURI(location).setDirectory(dir).setBare(true).call();
            } else {
                git = Git.open(new File(location));
            }
            return git;
        } catch (IOException | GitAPIException e) {
            throw new PostMigrationLookupException("the GitLab repository " + location + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private void fetch() throws PostMigrationLookupException {
        try {
            git.fetch().setRemote("origin").call();
        } catch (GitAPIException e) {
            throw new PostMigrationLookupException("fetching " + location() + " failed: " + e.getMessage(), e);
        }
    }

    private String location() throws PostMigrationLookupException {
        return config.gitRepository().filter(s -> !s.isBlank()).orElseThrow(() -> new PostMigrationLookupException(
                "no GitLab repository is configured: set RELEASE_TRACKER_GIT_REPOSITORY to a path or URL"));
    }

    private boolean isRemote() throws PostMigrationLookupException {
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
