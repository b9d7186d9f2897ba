package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} application's import-service REST client at the real import-service
 * ({@link ImportServiceProcess}), with the credentials its {@code /api} wants.
 */
public class ImportServiceResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.rest-client.import-service.url", ImportServiceProcess.shared().url(),
                "incident.import-service.user", ImportServiceProcess.ADMIN_USER,
                "incident.import-service.password", ImportServiceProcess.ADMIN_PASSWORD);
    }

    @Override
    public void stop() {
        // Shared by every test of this JVM; stops with it.
    }
}
