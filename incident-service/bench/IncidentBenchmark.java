import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The incident-service's benchmarks, each beside its baseline measured in the same run on the same
 * machine. JDK, kcat, psql, pg_dump, pgbench, and the stack's environment:
 *
 *   eval "$(./stack env)"
 *   java incident-service/bench/IncidentBenchmark.java alerts [events] [alerts]
 *   java incident-service/bench/IncidentBenchmark.java backfill [incidents]
 *   java incident-service/bench/IncidentBenchmark.java tracing [events] [alerts]
 *
 * alerts: alert.updated throughput end to end, N events over M alerts produced to Kafka (with kcat)
 * until every one is applied in PostgreSQL (counted in the service's inbox), beside pgbench running
 * the equivalent SQL (inbox claim and alert upsert, one event per transaction) on a schema-only copy
 * of the service's database.
 *
 * backfill: the repair job over N incidents with alerts and no escalation status record, beside one
 * set-based INSERT ... SELECT of the same records into a schema-only copy holding the same rows.
 *
 * tracing: the alert throughput with tracing off and on, alternately, twice each (on: every event
 * a new trace, all kept, its spans and its SQL's exported to the stack's Zipkin, which runs
 * throughout), the service restarted by ./stack each time; printed side by side with pgbench's
 * baseline.
 */
public class IncidentBenchmark {

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "";
        switch (which) {
            case "alerts" -> alerts(args.length > 1 ? Integer.parseInt(args[1]) : 300_000, args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
            case "incidents" -> incidents(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
            case "backfill" -> backfill(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
            case "tracing" -> tracing(args.length > 1 ? Integer.parseInt(args[1]) : 100_000, args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
            default -> {
                System.err.println("usage: java incident-service/bench/IncidentBenchmark.java alerts [events] [alerts] | incidents [alerts]"
                        + " | backfill [incidents]"
                        + " | tracing [events] [alerts]");
                System.exit(2);
            }
        }
    }

    static void alerts(int events, int alerts) throws Exception {
        alertThroughput(Math.min(events, 20_000), alerts); // warm-up: the JIT, the pools, the consumer group
        double[] measured = alertThroughput(events, alerts);
        double service = measured[0];
        double pgbench = pgbench(alerts);
        System.out.printf("alert.updated, %d events over %d alerts, %d cores%n%n", events, alerts, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-58s %10.0f events/s  (%.1f s; produced in %.1f s)%n", "incident-service, Kafka to PostgreSQL", service, measured[1],
                measured[2]);
        System.out.printf("%-58s %10.0f tps%n", "pgbench, inbox claim + alert upsert, one event a transaction", pgbench);
        System.out.printf("%-58s %10.2f  (target: at least 5)%n", "ratio", service / pgbench);
    }

    /**
     * Alerts that each create an incident: a new alert per event with create_incident, so each
     * takes a number from import-service, creates the incident and its escalation status record,
     * and publishes the change through the outbox. Beside the same pgbench baseline.
     */
    static void incidents(int alerts) throws Exception {
        alertThroughput(Math.min(alerts, 20_000), 20_000, true); // warm-up: the first run after a start was a third slower
        double[] measured = alertThroughput(alerts, alerts, true);
        double pgbench = pgbench(alerts);
        System.out.printf("alert.updated creating an incident each, %d alerts over 100 projects, %d cores%n%n", alerts,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-58s %10.0f events/s  (%.1f s; produced in %.1f s)%n", "incident-service, Kafka to PostgreSQL", measured[0], measured[1],
                measured[2]);
        System.out.printf("%-58s %10.0f tps%n", "pgbench, inbox claim + alert upsert, one event a transaction", pgbench);
        System.out.printf("%-58s %10.2f  (target: at least 1)%n", "ratio", measured[0] / pgbench);
    }

    /** Off, on, off, on: the service restarted by ./stack with or without tracing, each run beside the same baseline. */
    static void tracing(int events, int alerts) throws Exception {
        double pgbench = pgbench(alerts);
        String[] modes = {"off", "on", "off", "on"};
        double[] throughput = new double[modes.length];
        for (int i = 0; i < modes.length; i++) {
            restartIncidentService(modes[i].equals("on"));
            alertThroughput(Math.min(events, 5_000), alerts); // warm-up: the JIT, the pools, the consumer group
            throughput[i] = alertThroughput(events, alerts)[0];
        }
        System.out.printf("alert.updated with tracing off and on, %d events over %d alerts, %d cores%n%n", events, alerts,
                Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < modes.length; i++) {
            System.out.printf("%-58s %10.0f events/s  ratio to pgbench %.2f%n", "incident-service, tracing " + modes[i]
                    + (modes[i].equals("on") ? " (every event traced, to Zipkin)" : ""), throughput[i], throughput[i] / pgbench);
        }
        System.out.printf("%-58s %10.0f tps%n", "pgbench, inbox claim + alert upsert, one event a transaction", pgbench);
        double off = (throughput[0] + throughput[2]) / 2;
        double on = (throughput[1] + throughput[3]) / 2;
        System.out.printf("%-58s %10.2f  (the off runs differ by %.0f%%, the on runs by %.0f%%)%n", "tracing on / tracing off (means)", on / off,
                100 * Math.abs(throughput[0] - throughput[2]) / off, 100 * Math.abs(throughput[1] - throughput[3]) / on);
    }

    /** ./stack restart incident-service with STACK_TRACING=1 or 0; other services keep running. */
    static void restartIncidentService(boolean tracing) throws Exception {
        ProcessBuilder restart = new ProcessBuilder("./stack", "restart", "incident-service").redirectErrorStream(true);
        restart.environment().put("STACK_TRACING", tracing ? "1" : "0");
        Process p = restart.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("./stack restart incident-service failed: " + out);
        }
    }

    /** @return events a second, the seconds taken, the seconds producing took */
    static double[] alertThroughput(int events, int alerts) throws Exception {
        return alertThroughput(events, alerts, false);
    }

    /** @return events a second, the seconds taken, the seconds producing took */
    static double[] alertThroughput(int events, int alerts, boolean createIncidents) throws Exception {
        // From the same point every run: this machine's PostgreSQL runs without autovacuum, and the
        // dead rows of earlier runs' updates slowed each run more than the last (pgbench's copy is new).
        settle("incident_service");
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        long project = 9_000_000 + System.currentTimeMillis() % 1_000_000 * 100;

        Path file = Files.createTempFile("alerts-", ".tsv");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < events; i++) {
            int alert = i % alerts + 1;
            long p = project + alert % 100;
            lines.append(p).append('\t').append(String.format(
                    "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\"/bench\",\"type\":\"alert.updated\",\"time\":\"2026-11-21T10:00:00Z\","
                            + "\"data\":{\"project_id\":%d,\"alert_iid\":%d,\"title\":\"Alert %d\",\"status\":\"%s\",\"updated_at\":\"%s\"%s}}",
                    UUID.randomUUID(), p, alert, alert, i % 2 == 0 ? "triggered" : "acknowledged",
                    java.time.Instant.parse("2026-11-21T00:00:00Z").plusMillis(i).toString(),
                    createIncidents ? ",\"create_incident\":true" : "")).append('\n');
        }
        Files.writeString(file, lines);

        long before = applied();
        long start = System.nanoTime();
        run(List.of("kcat", "-P", "-b", bootstrap, "-t", "alerts", "-K", "\t", "-l", file.toString()));
        long produced = System.nanoTime();
        while (applied() - before < events) {
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {events / seconds, seconds, (produced - start) / 1e9};
    }

    /** N incidents, one alert each (statuses and policies mixed), none with a record: the seed bug's aftermath. */
    static String seed(long project, int incidents) {
        return """
                INSERT INTO escalation_policy (project_id, name)
                  SELECT %1$d + p, 'Bench policy' FROM generate_series(0, 99) AS p;
                INSERT INTO incident (project_id, iid, title, severity, created_at)
                  SELECT %1$d + n %% 100, n / 100 + 1, 'Incident ' || n, 'high', now() FROM generate_series(0, %2$d - 1) AS n;
                INSERT INTO alert (project_id, iid, title, status, severity, escalation_policy_id, incident_id, updated_at, created_at)
                  SELECT i.project_id, i.iid, i.title, (i.iid %% 4)::smallint, 'high',
                         CASE WHEN i.iid %% 2 = 0 THEN p.id END, i.id, now(), now()
                  FROM incident i JOIN escalation_policy p ON p.project_id = i.project_id
                  WHERE i.project_id BETWEEN %1$d AND %1$d + 99;
                """.formatted(project, incidents);
    }

    static void backfill(int incidents) throws Exception {
        long project = 8_000_000 + System.currentTimeMillis() % 1_000_000 * 100;
        String admin = System.getenv("ADMIN_PASSWORD");
        String url = "http://127.0.0.1:" + System.getenv().getOrDefault("INCIDENT_SERVICE_PORT", "8081");
        if (admin == null) {
            throw new IllegalStateException("ADMIN_PASSWORD is not set; run eval \"$(./stack env)\" first");
        }

        // The baselines, each one statement into a copy holding the same rows: the records alone,
        // and the records with their events, each pending for the relay (what the job writes: the
        // contract wants an event for every change, reason backfill).
        double recordsSeconds = timed("backfill_bench", project, incidents, RECORDS_ALONE);
        double withEventsSeconds = timed("backfill_bench", project, incidents, RECORDS_AND_EVENTS);

        // The repair job, through the service's admin API, over the same rows in its own database,
        // from the same starting point as the baselines.
        psql("incident_service", seed(project, incidents));
        settle("incident_service");
        long outboxBefore = Long.parseLong(psql("incident_service", "SELECT coalesce(max(id), 0) FROM outbox_event").trim());
        HttpClient http = HttpClient.newHttpClient();
        long publishedBefore = published(http, url);
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + admin).getBytes());
        long start = System.nanoTime();
        String job = http.send(HttpRequest.newBuilder(URI.create(url + "/admin/escalation-statuses/backfill"))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(job);
        if (!id.find()) {
            throw new IllegalStateException("the backfill did not start: " + job);
        }
        String progress;
        do {
            Thread.sleep(200);
            progress = http.send(HttpRequest.newBuilder(URI.create(url + "/admin/jobs/" + id.group(1))).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } while (progress.contains("\"running\""));
        double jobSeconds = (System.nanoTime() - start) / 1e9;
        long written = Long.parseLong(psql("incident_service", """
                SELECT count(*) FROM escalation_status s JOIN incident i ON i.id = s.incident_id
                WHERE i.project_id BETWEEN %1$d AND %1$d + 99""".formatted(project)).trim());
        // What a consumer of incident-escalations waits for: the relay sending the job's events,
        // read from the service's metrics (counting them in the table would itself load the cores).
        while (published(http, url) < publishedBefore + written) {
            Thread.sleep(200);
        }
        double publishedSeconds = (System.nanoTime() - start) / 1e9;

        // The service's database as it was: the rows, their events, and (this machine's PostgreSQL
        // runs without autovacuum) the dead tuples, which would slow the next run's job but not its
        // baselines, each on a fresh copy.
        psql("incident_service", """
                DELETE FROM outbox_event WHERE id > %2$d AND message_key IN (SELECT (%1$d + p)::text FROM generate_series(0, 99) AS p);
                DELETE FROM alert WHERE project_id BETWEEN %1$d AND %1$d + 99;
                DELETE FROM incident WHERE project_id BETWEEN %1$d AND %1$d + 99;
                DELETE FROM escalation_policy WHERE project_id BETWEEN %1$d AND %1$d + 99;""".formatted(project, outboxBefore));
        psql("incident_service", "VACUUM ANALYZE");
        // This run's million rows written out now, not by a checkpoint during the next benchmark.
        psql("incident_service", "CHECKPOINT");

        System.out.printf("escalation status backfill, %d incidents with alerts and no record, %d cores%n%n", incidents,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-62s %9.0f incidents/s  (%.1f s, %d records and events)%n", "repair job (batches, locks, progress, events)",
                written / jobSeconds, jobSeconds, written);
        System.out.printf("%-62s %9.0f incidents/s  (%.1f s)%n", "  and its events all sent to Kafka by the outbox relay", written / publishedSeconds,
                publishedSeconds);
        System.out.printf("%-62s %9.0f incidents/s  (%.1f s)%n", "one INSERT ... SELECT: records and their events", incidents / withEventsSeconds,
                withEventsSeconds);
        System.out.printf("%-62s %9.0f incidents/s  (%.1f s)%n", "one INSERT ... SELECT: records alone, no events", incidents / recordsSeconds,
                recordsSeconds);
        System.out.printf("%-62s %9.2f  (target: at least 0.90)%n", "ratio to the same rows (records and events)",
                withEventsSeconds / jobSeconds);
        System.out.printf("%-62s %9.2f%n", "ratio to the records alone", recordsSeconds / jobSeconds);
        System.out.println(progress);
    }

    /** The service's count of outbox events sent to Kafka since it started. */
    static long published(HttpClient http, String url) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^outbox_published_total(?:\\{[^}]*\\})? ([0-9.E+]+)$").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Events on alerts the service is through with (applied, duplicates, dead letters), from its
     * metrics: counting its inbox with psql every 200 ms cost a process and a scan of a table that
     * grows with every run, on the cores being measured.
     */
    static long applied() throws Exception {
        String url = "http://127.0.0.1:" + System.getenv().getOrDefault("INCIDENT_SERVICE_PORT", "8081");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^events_consumed_total\\{[^}]*topic=\"alerts\"[^}]*\\} ([0-9.E+]+)$").matcher(metrics);
        long through = 0;
        while (m.find()) {
            through += (long) Double.parseDouble(m.group(1));
        }
        return through;
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The same writes, one event per transaction, 8 clients, on a schema-only copy of the service's database. */
    static double pgbench(int alerts) throws Exception {
        copySchema("alert_bench");
        Path script = Files.createTempFile("alert-", ".sql");
        Files.writeString(script, """
                \\set a random(1, %d)
                BEGIN;
                INSERT INTO inbox_event (topic, event_id, event_type) VALUES ('alerts', md5(random()::text || clock_timestamp()::text), 'alert.updated');
                INSERT INTO alert (project_id, iid, title, status, severity, updated_at, created_at)
                  VALUES (9000000 + :a %% 100, :a, 'Alert', 1, 'unknown', clock_timestamp(), clock_timestamp())
                  ON CONFLICT (project_id, iid) DO UPDATE SET title = EXCLUDED.title, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
                    created_at = LEAST(alert.created_at, EXCLUDED.created_at)
                  WHERE alert.updated_at < EXCLUDED.updated_at;
                COMMIT;
                """.formatted(alerts));
        String out = run(List.of("pgbench", "-n", "-c", "8", "-j", "2", "-T", "10", "-f", script.toString(),
                "-h", host(), "-p", port(), "-U", user(), "alert_bench"));
        Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A new database with the service's schema and no rows. */
    static void copySchema(String database) throws Exception {
        psql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        psql("postgres", "CREATE DATABASE " + database);
        String schema = run(List.of("pg_dump", "--schema-only", "--no-owner", "-h", host(), "-p", port(), "-U", user(), "incident_service"));
        Path schemaFile = Files.createTempFile("schema-", ".sql");
        Files.writeString(schemaFile, schema);
        run(List.of("psql", "-X", "-q", "-h", host(), "-p", port(), "-U", user(), "-d", database, "-f", schemaFile.toString()));
    }

    static final String RECORDS_ALONE = """
            INSERT INTO escalation_status (incident_id, status, policy_id, escalations_started_at, resolved_at, updated_at)
            SELECT DISTINCT ON (incident_id) incident_id, status, escalation_policy_id,
                   CASE WHEN escalation_policy_id IS NOT NULL THEN now() END, CASE WHEN status = 2 THEN now() END, now()
            FROM alert WHERE incident_id IS NOT NULL
            ORDER BY incident_id, updated_at DESC, id DESC""";

    static final String RECORDS_AND_EVENTS = """
            WITH written AS (%s RETURNING incident_id, status, policy_id, escalations_started_at, resolved_at),
            events AS (
            INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope, created_at)
            SELECT e.id, 'incident-escalations', e.project_id::text, 'incident.escalation_status.changed',
                   json_build_object('specversion', '1.0', 'id', e.id, 'source', '/gitlab/incident-service',
                       'type', 'incident.escalation_status.changed', 'time', now(), 'datacontenttype', 'application/json',
                       'data', json_build_object('project_id', e.project_id, 'incident_iid', e.iid,
                           'status', (CAST('["triggered","acknowledged","resolved","ignored"]' AS json) ->> e.status::int),
                           'policy_id', e.policy_id, 'escalations_started_at', e.escalations_started_at, 'resolved_at', e.resolved_at,
                           'alert_iids', (SELECT json_agg(a.iid ORDER BY a.iid) FROM alert a WHERE a.incident_id = e.incident_id),
                           'reason', 'backfill'))::text, now()
            FROM (SELECT gen_random_uuid() AS id, i.project_id, i.iid, w.* FROM written w JOIN incident i ON i.id = w.incident_id
                  ORDER BY w.incident_id) AS e
            RETURNING id)
            INSERT INTO outbox_pending (id) SELECT id FROM events""".formatted(RECORDS_ALONE);

    /** Seconds one statement takes on a fresh copy of the schema seeded with the benchmark's rows. */
    static double timed(String database, long project, int incidents, String statement) throws Exception {
        copySchema(database);
        psql(database, seed(project, incidents));
        settle(database);
        long start = System.nanoTime();
        psql(database, statement);
        double seconds = (System.nanoTime() - start) / 1e9;
        psql("postgres", "DROP DATABASE " + database + " WITH (FORCE)");
        return seconds;
    }

    /**
     * The same starting point for every contender: tables vacuumed and analyzed (this machine's
     * PostgreSQL runs without autovacuum), and the seed's writes checkpointed, so that no contender
     * pays for another's checkpoint.
     */
    static void settle(String database) throws Exception {
        psql(database, "VACUUM ANALYZE");
        psql(database, "CHECKPOINT");
    }

    static String psql(String database, String sql) throws Exception {
        return run(List.of("psql", "-X", "-q", "-tA", "-h", host(), "-p", port(), "-U", user(), "-d", database, "-c", sql));
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed: " + out);
        }
        return out;
    }

    static String host() {
        return System.getenv().getOrDefault("PGHOST", "127.0.0.1");
    }

    static String port() {
        return System.getenv().getOrDefault("PGPORT", "5432");
    }

    static String user() {
        return System.getenv().getOrDefault("PGUSER", "postgres");
    }
}
