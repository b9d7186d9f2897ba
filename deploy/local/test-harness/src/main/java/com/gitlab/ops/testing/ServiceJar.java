package com.gitlab.ops.testing;

import java.nio.file.Path;

/** Where a service's build leaves the jar it runs from: the parent pom's legacy-jar packaging, named after the module. */
public final class ServiceJar {

    private ServiceJar() {
    }

    /** target/NAME-runner.jar under the service's module, its dependencies in target/lib beside it. */
    public static Path of(Path repositoryRoot, String service) {
        return repositoryRoot.resolve(service).resolve("target").resolve(service + "-runner.jar");
    }
}
