package com.gitlab.ops.platform.error;

import java.sql.SQLException;
import java.util.Optional;

/**
 * PostgreSQL's verdict that a value itself cannot be stored (SQLState class 22, data exception:
 * a NUL character, a number out of range) or breaks a rule of the schema (class 23): the input's
 * fault, never a reason to retry, and never a 5xx.
 */
public final class DataExceptions {

    private DataExceptions() {
    }

    /** The sentence for the user when {@code e} was caused by such a value; empty otherwise. */
    public static Optional<String> describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.equals("22021") || state.equals("22P05")) {
                    return Optional.of("text must not contain NUL (\\u0000) characters");
                }
                if (state.startsWith("22")) {
                    return Optional.of("a value cannot be stored: " + firstLine(sql.getMessage()));
                }
                if (state.startsWith("23")) {
                    return Optional.of("a value breaks a rule of the data: " + firstLine(sql.getMessage()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code e} says the database cannot be reached now (SQLState class 08, connection
     * exception, or 57P01-03, shutting down or not yet accepting connections): a passing fault, for
     * a 503 and a retry, never the input's fault.
     */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
            // A commit that lost its connection: the transaction manager's RollbackException
            // carries the driver's error as a suppressed exception, not as its cause.
            for (Throwable suppressed : t.getSuppressed()) {
                if (unavailable(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.replaceFirst("^ERROR: ", "");
    }
}
