package com.gitlab.ops.release.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V2 on a database V1 filled: every package V1 worked out (by arrival order) is worked out again,
 * each note gets its marker and its file list, and nothing else is lost.
 */
class AttributionMigrationTest {

    private PostgresDatabase database;

    @BeforeEach
    void create() {
        database = PostgresDatabase.create("release-migration");
    }

    @AfterEach
    void drop() {
        database.drop();
    }

    @Test
    void whatV1WorkedOutIsWorkedOutAgainByBuildOrderAndNotesGetTheirMarker() throws SQLException {
        migrate("1");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO package (id, version, release, built_at, gitlab_commit, omnibus_commit, post_migrations_state, first_seen_at)
                    OVERRIDING SYSTEM VALUE VALUES
                      (1, '14.8.202202080920-aaaaaaaaaaa.4ce763dbce1', '14.8', '2022-02-08 09:20Z', 'aaaaaaaaaaa', '4ce763dbce1', 'baseline', now()),
                      (2, '14.8.202202081520-bbbbbbbbbbb.4ce763dbce1', '14.8', '2022-02-08 15:20Z', 'bbbbbbbbbbb', '4ce763dbce1', 'computed', now()),
                      (3, '14.8.202202081220-ccccccccccc.4ce763dbce1', '14.8', '2022-02-08 12:20Z', 'ccccccccccc', '4ce763dbce1', 'listed', now()),
                      (4, '14.8.202202081720-ddddddddddd.4ce763dbce1', '14.8', '2022-02-08 17:20Z', 'ddddddddddd', '4ce763dbce1', 'unknown', now());
                    INSERT INTO deployment VALUES (1, 'gstg-cny', '2022-02-08 10:00Z'), (2, 'gstg-cny', '2022-02-08 16:00Z');
                    INSERT INTO post_migration VALUES ('db/post_migrate/a.rb', 'a.rb', 2), ('db/post_migrate/b.rb', 'b.rb', 2),
                      ('db/post_migrate/c.rb', 'c.rb', 3);
                    INSERT INTO release_note (package_id, release, body, state, created_at) VALUES
                      (2, '14.8', E'Auto-deploy package `14.8.202202081520-bbbbbbbbbbb.4ce763dbce1` introduces post-deploy migrations:\\n- `db/post_migrate/a.rb`\\n- `db/post_migrate/b.rb`\\n', 'posted', now());
                    """);
        }
        migrate(null);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals(List.of("1 pending", "2 pending", "3 listed", "4 unknown"),
                    rows(s, "SELECT id || ' ' || post_migrations_state FROM package ORDER BY id"));
            assertEquals(List.of("2 db/post_migrate/a.rb", "2 db/post_migrate/b.rb", "3 db/post_migrate/c.rb"),
                    rows(s, "SELECT package_id || ' ' || path FROM post_migration ORDER BY package_id, path"));
            assertEquals(List.of("db/post_migrate/a.rb|db/post_migrate/b.rb"), rows(s, "SELECT replace(files, E'\\n', '|') FROM release_note"));
            assertEquals(List.of("Auto-deploy package `14.8.202202081520-bbbbbbbbbbb.4ce763dbce1` introduces post-deploy migrations:\n"
                    + "- `db/post_migrate/a.rb`\n- `db/post_migrate/b.rb`\n\n<!-- release-tracker package 14.8.202202081520-bbbbbbbbbbb.4ce763dbce1 -->\n"),
                    rows(s, "SELECT body FROM release_note"));
            assertEquals(List.of("1 1", "2 1"), rows(s, "SELECT package_id || ' ' || (deployed_at = last_deployed_at)::int FROM deployment ORDER BY 1"));
        }
    }

    private void migrate(String target) {
        var config = Flyway.configure().dataSource(database.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password())
                .locations("classpath:db/platform", "classpath:db/migration").outOfOrder(true);
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }
}
