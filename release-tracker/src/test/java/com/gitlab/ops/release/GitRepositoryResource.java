package com.gitlab.ops.release;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.Map;

/**
 * Gives the application a fresh GitLab source repository; tests add commits to it by its path. With
 * init arg {@code remote=true} the application is given it as a URL ({@code file://}), so that it
 * clones it and fetches from it as from a remote, into a cache directory of its own.
 */
public class GitRepositoryResource implements QuarkusTestResourceLifecycleManager {

    /** The repository's path, for a test whose application was given it as a URL. */
    public static final String PATH_PROPERTY = "test.git-repository-path";

    private boolean remote;

    @Override
    public void init(Map<String, String> initArgs) {
        remote = Boolean.parseBoolean(initArgs.getOrDefault("remote", "false"));
    }

    @Override
    public Map<String, String> start() {
        try (TestGitRepository repository = TestGitRepository.create()) {
            String path = repository.dir().toString();
            if (!remote) {
                return Map.of("release-tracker.git-repository", path, PATH_PROPERTY, path);
            }
            return Map.of("release-tracker.git-repository", repository.dir().toUri().toString(), PATH_PROPERTY, path,
                    "release-tracker.git-cache-dir", Files.createTempDirectory("release-tracker-git-cache-").toString(),
                    "release-tracker.git-fetch-timeout", "5s");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
