package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} application its own empty database in the real PostgreSQL, dropped
 * when the application stops. Init arg {@code purpose} names it (defaults to "service").
 */
public class PostgresDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private String purpose = "service";
    private PostgresDatabase database;

    @Override
    public void init(Map<String, String> initArgs) {
        purpose = initArgs.getOrDefault("purpose", purpose);
    }

    @Override
    public Map<String, String> start() {
        database = PostgresDatabase.create(purpose);
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", PostgresDatabase.user(),
                "quarkus.datasource.password", PostgresDatabase.password());
    }

    @Override
    public void stop() {
        if (database != null) {
            database.drop();
        }
    }
}
