package com.gitlab.ops.platform.sql;

import jakarta.persistence.EntityManager;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * Statements over many rows at once: each column bound as one array and {@code unnest}ed by
 * PostgreSQL, so that a statement costs one round trip whatever the number of rows; run on the
 * connection of the caller's transaction.
 */
public final class SetBased {

    private SetBased() {
    }

    /** A statement's work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<R> {
        R run(PreparedStatement statement) throws SQLException;
    }

    /** A statement's parameters, bound on the transaction's connection. */
    @FunctionalInterface
    public interface Binding {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    public static <R> R run(EntityManager em, String sql, Binding binding, Work<R> work) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binding.bind(connection, statement);
                return work.run(statement);
            }
        });
    }

    /** A column of the rows as a PostgreSQL array of {@code type} (bigint, smallint, varchar, ...). */
    public static <T> Array column(Connection connection, String type, Collection<T> rows, Function<T, ?> value) throws SQLException {
        return connection.createArrayOf(type, rows.stream().map(value).toArray());
    }

    /** A column of times, as text for a {@code ?::timestamptz[]} parameter: PostgreSQL reads ISO 8601 with its offset. */
    public static <T> Array times(Connection connection, Collection<T> rows, Function<T, OffsetDateTime> value) throws SQLException {
        return column(connection, "varchar", rows, row -> {
            OffsetDateTime time = value.apply(row);
            return time == null ? null : time.toString();
        });
    }
}
