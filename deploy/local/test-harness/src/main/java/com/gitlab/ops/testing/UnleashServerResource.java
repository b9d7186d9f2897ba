package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Arrays;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM's real Unleash server, polling every second so flag
 * changes are seen quickly. Init arg {@code flags}: comma separated flags to create, off.
 * Tests change flags with {@code UnleashServer.shared().admin()}.
 */
public class UnleashServerResource implements QuarkusTestResourceLifecycleManager {

    private String flags = "";

    @Override
    public void init(Map<String, String> initArgs) {
        flags = initArgs.getOrDefault("flags", "");
    }

    @Override
    public Map<String, String> start() {
        UnleashServer server = UnleashServer.shared();
        if (!flags.isBlank()) {
            UnleashAdmin admin = server.admin();
            Arrays.stream(flags.split(",")).map(String::trim).forEach(flag -> {
                admin.createFlag(flag);
                admin.disable(flag);
            });
        }
        return Map.of(
                "quarkus.unleash.url", server.url() + "/api",
                "quarkus.unleash.token", server.clientToken(),
                "quarkus.unleash.environment", UnleashServer.ENVIRONMENT,
                "quarkus.unleash.fetch-toggles-interval", "1");
    }

    @Override
    public void stop() {
        // Shared by every test of this JVM; stops with it.
    }
}
