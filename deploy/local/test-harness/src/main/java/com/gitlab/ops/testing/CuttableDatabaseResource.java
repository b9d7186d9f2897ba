package com.gitlab.ops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Like {@link PostgresDatabaseResource}, an empty database of the application's own, but reached
 * through a {@link TcpProxy} the test can cut ({@link #proxy()}): a database outage, on demand,
 * while PostgreSQL itself keeps running for everyone else.
 */
public class CuttableDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TcpProxy proxy;
    private PostgresDatabase database;

    /** The proxy in front of the running application's database. */
    public static TcpProxy proxy() {
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        database = PostgresDatabase.create("outage");
        proxy = new TcpProxy(PostgresDatabase.host(), PostgresDatabase.port());
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database.name(),
                "quarkus.datasource.username", PostgresDatabase.user(),
                "quarkus.datasource.password", PostgresDatabase.password());
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.drop();
        }
    }
}
