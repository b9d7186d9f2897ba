package com.gitlab.ops.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What a service under test is doing when a wait for it ran out: the stacks of its threads that
 * work events and requests, and the statements of its database that wait on a lock, with the
 * statement holding it. A timeout alone says only that something was slow; this says what.
 */
public final class StuckReport {

    /**
     * Threads that apply events, answer requests, run scheduled work and jobs, call other services
     * and poll Kafka (not the JDK's, nor the Kafka clients' network threads).
     */
    private static final Pattern WORKERS = Pattern.compile(
            "vert\\.x-worker-thread.*|executor-thread.*|vert\\.x-eventloop-thread.*|smallrye-kafka-.*|admin-job.*");

    private static final String LOCK_WAITS = """
            SELECT w.pid, w.state, w.wait_event_type || ':' || w.wait_event AS wait, now() - w.query_start AS waiting, left(w.query, 300) AS query,
                   b.pid AS blocker, b.state AS blocker_state, now() - b.xact_start AS blocker_xact_age, left(b.query, 300) AS blocker_query
            FROM pg_stat_activity w
            JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocking(pid) ON true
            JOIN pg_stat_activity b ON b.pid = blocking.pid
            WHERE w.datname = current_database()""";

    private StuckReport() {
    }

    public static String of(DataSource database) {
        return "threads working events and requests:\n" + threads() + "\nstatements waiting on a lock:\n" + lockWaits(database);
    }

    static String threads() {
        return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, true))
                .filter(t -> WORKERS.matcher(t.getThreadName()).matches())
                .map(StuckReport::describe)
                .collect(Collectors.joining("\n"));
    }

    private static String describe(ThreadInfo thread) {
        StringBuilder text = new StringBuilder("\"" + thread.getThreadName() + "\" " + thread.getThreadState());
        if (thread.getLockName() != null) {
            text.append(" on ").append(thread.getLockName());
        }
        if (thread.getLockOwnerName() != null) {
            text.append(" held by \"").append(thread.getLockOwnerName()).append('"');
        }
        text.append('\n');
        // The top of the stack says where it waits; below 60 frames it is the framework's.
        Arrays.stream(thread.getStackTrace()).limit(60).forEach(frame -> text.append("\tat ").append(frame).append('\n'));
        return text.toString();
    }

    static String lockWaits(DataSource database) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(LOCK_WAITS)) {
            StringBuilder text = new StringBuilder();
            while (rows.next()) {
                text.append(String.format("pid %d (%s, %s for %s): %s%n  blocked by pid %d (%s, transaction open %s): %s%n", rows.getInt("pid"),
                        rows.getString("state"), rows.getString("wait"), rows.getString("waiting"), rows.getString("query"), rows.getInt("blocker"),
                        rows.getString("blocker_state"), rows.getString("blocker_xact_age"), rows.getString("blocker_query")));
            }
            return text.isEmpty() ? "none\n" : text.toString();
        } catch (SQLException e) {
            return "not known (" + e.getMessage() + ")\n";
        }
    }
}
