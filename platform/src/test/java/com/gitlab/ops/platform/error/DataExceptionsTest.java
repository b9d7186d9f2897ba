package com.gitlab.ops.platform.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataExceptionsTest {

    private static RuntimeException wrapped(String sqlState) {
        return new IllegalStateException("could not execute statement", new SQLException("ERROR: it failed\n  Detail: more", sqlState));
    }

    @Test
    void aValueTheDatabaseRefusesIsTheInputsFault() {
        assertEquals(Optional.of("text must not contain NUL (\\u0000) characters"), DataExceptions.describe(wrapped("22021")));
        assertEquals(Optional.of("a value breaks a rule of the data: it failed"), DataExceptions.describe(wrapped("23505")));
        assertFalse(DataExceptions.unavailable(wrapped("23505")));
    }

    @Test
    void anUnreachableDatabaseIsAPassingFault() {
        assertTrue(DataExceptions.unavailable(wrapped("08001")));
        assertTrue(DataExceptions.unavailable(wrapped("57P01")));
        assertEquals(Optional.empty(), DataExceptions.describe(wrapped("08006")));
        assertFalse(DataExceptions.unavailable(wrapped("40P01")), "a deadlock is retried, but the database is there");
        assertFalse(DataExceptions.unavailable(new IllegalStateException("no SQL in it")));

        // A commit cut off mid-way, as Narayana reports it.
        IllegalStateException rollback = new IllegalStateException("ARJUNA016053: Could not commit transaction.");
        Exception xa = new Exception("Error trying to transactionCommit local transaction", new SQLException("An I/O error occurred", "08006"));
        rollback.addSuppressed(xa);
        assertTrue(DataExceptions.unavailable(new RuntimeException("Error invoking subclass method", rollback)));
    }
}
