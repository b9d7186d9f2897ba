package com.gitlab.ops.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Databases in the machine's real PostgreSQL that no other test run shares: each is created empty
 * under a unique name and dropped afterwards. Where to connect: TEST_POSTGRES_HOST, _PORT, _USER,
 * _PASSWORD, defaulting to the machine's server at 127.0.0.1:5432 as postgres with trust auth.
 */
public final class PostgresDatabase {

    private static final String PREFIX = "test_";
    private static final Duration ABANDONED = Duration.ofHours(6);

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    public static String host() {
        return env("TEST_POSTGRES_HOST", "127.0.0.1");
    }

    public static int port() {
        return Integer.parseInt(env("TEST_POSTGRES_PORT", "5432"));
    }

    public static String user() {
        return env("TEST_POSTGRES_USER", "postgres");
    }

    public static String password() {
        return env("TEST_POSTGRES_PASSWORD", "");
    }

    /** Creates an empty database whose name starts with {@code purpose}. */
    public static PostgresDatabase create(String purpose) {
        String name = PREFIX + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
                + Instant.now().getEpochSecond() + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            dropAbandoned(s);
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(unreachable(e), e);
        }
        return new PostgresDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + name;
    }

    /** The URL form Node's pg and Unleash take. */
    public String url() {
        String credentials = password().isEmpty() ? user() : user() + ":" + password();
        return "postgres://" + credentials + "@" + host() + ":" + port() + "/" + name;
    }

    public void drop() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            // Left for the next run's clean-up of abandoned databases.
        }
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/" + database, user(), password());
    }

    // Databases of runs that were killed before they could drop theirs; the name carries the time.
    private static void dropAbandoned(Statement s) throws SQLException {
        List<String> old = new ArrayList<>();
        long cutoff = Instant.now().minus(ABANDONED).getEpochSecond();
        try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'")) {
            while (rs.next()) {
                String[] parts = rs.getString(1).split("_");
                if (parts.length >= 3 && parts[parts.length - 2].matches("\\d+") && Long.parseLong(parts[parts.length - 2]) < cutoff) {
                    old.add(rs.getString(1));
                }
            }
        }
        for (String name : old) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static String unreachable(SQLException e) {
        return "PostgreSQL is not usable at " + host() + ":" + port() + " as user '" + user() + "' (" + e.getMessage()
                + "). Start it (on Debian: pg_ctlcluster $(ls /etc/postgresql) main start; './stack up' starts or installs it),"
                + " or point the tests at another server with TEST_POSTGRES_HOST, TEST_POSTGRES_PORT, TEST_POSTGRES_USER and TEST_POSTGRES_PASSWORD.";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
