package com.gitlab.ops.release;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real Git repository standing in for the GitLab source: commits that add files, by path. */
public final class TestGitRepository implements AutoCloseable {

    private final Git git;
    private final Path dir;

    private TestGitRepository(Git git, Path dir) {
        this.git = git;
        this.dir = dir;
    }

    public static TestGitRepository create() {
        try {
            Path dir = Files.createTempDirectory("gitlab-source-");
            return new TestGitRepository(Git.init().setDirectory(dir.toFile()).setInitialBranch("master").call(), dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestGitRepository open(String path) {
        try {
            return new TestGitRepository(Git.open(new File(path)), Path.of(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Commits the files (path to content) and answers the commit's 11-character id, as packages name it. */
    public String commit(String message, String... paths) {
        try {
            for (String path : paths) {
                Path file = dir.resolve(path);
                Files.createDirectories(file.getParent());
                Files.writeString(file, "# " + path + "\n");
                git.add().addFilepattern(path).call();
            }
            RevCommit commit = git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setAllowEmpty(true).call();
            return commit.getId().abbreviate(11).name();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Brings in the commits of another repository, as a fetch of new work would. */
    public void fetchFrom(TestGitRepository other) {
        try {
            git.fetch().setRemote(other.dir.toUri().toString())
                    .setRefSpecs("+refs/heads/*:refs/remotes/other/*").call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
