package com.gitlab.ops.release;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Gives the application a fresh GitLab source repository; tests add commits to it by its path. */
public class GitRepositoryResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try (TestGitRepository repository = TestGitRepository.create()) {
            return Map.of("release-tracker.git-repository", repository.dir().toString());
        }
    }

    @Override
    public void stop() {
    }
}
