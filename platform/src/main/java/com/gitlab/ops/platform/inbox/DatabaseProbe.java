package com.gitlab.ops.platform.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks the database, on a connection of its own (not the pool's), whether it answers: what tells an
 * outage from a failure that only looks like one (a pool exhausted by load, a backend terminated
 * for one query). Asked only when something has failed.
 */
@ApplicationScoped
public class DatabaseProbe {

    private final String url;
    private final Properties properties = new Properties();

    public DatabaseProbe(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") java.util.Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this.url = url;
        user.ifPresent(u -> properties.setProperty("user", u));
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", "2");
        properties.setProperty("loginTimeout", "2");
    }

    public boolean answers() {
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
