import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * alert.updated throughput end to end: N events over M alerts produced to Kafka (with kcat) until
 * every one is applied in PostgreSQL (counted in the service's inbox), beside pgbench running the
 * equivalent SQL (inbox claim and alert upsert, one event per transaction) on a schema-only copy of
 * the service's database, on the same machine in the same run. JDK, kcat, psql, pg_dump, pgbench:
 *
 *   eval "$(./stack env)"; java incident-service/bench/AlertThroughputBenchmark.java [events] [alerts]
 */
public class AlertThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int alerts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        long project = 9_000_000 + System.currentTimeMillis() % 1_000_000 * 100;

        Path file = Files.createTempFile("alerts-", ".tsv");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < events; i++) {
            int alert = i % alerts + 1;
            long p = project + alert % 100;
            lines.append(p).append('\t').append(String.format(
                    "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\"/bench\",\"type\":\"alert.updated\",\"time\":\"2026-11-21T10:00:00Z\","
                            + "\"data\":{\"project_id\":%d,\"alert_iid\":%d,\"title\":\"Alert %d\",\"status\":\"%s\",\"updated_at\":\"%s\"}}",
                    UUID.randomUUID(), p, alert, alert, i % 2 == 0 ? "triggered" : "acknowledged",
                    java.time.Instant.parse("2026-11-21T00:00:00Z").plusMillis(i).toString())).append('\n');
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
        double service = events / seconds;

        double pgbench = pgbench(alerts);
        System.out.printf("alert.updated, %d events over %d alerts, %d cores%n%n", events, alerts, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-58s %10.0f events/s  (%.1f s; produced in %.1f s)%n", "incident-service, Kafka to PostgreSQL", service, seconds,
                (produced - start) / 1e9);
        System.out.printf("%-58s %10.0f tps%n", "pgbench, inbox claim + alert upsert, one event a transaction", pgbench);
        System.out.printf("%-58s %10.2f  (target: at least 1.00)%n", "ratio", service / pgbench);
    }

    static long applied() throws Exception {
        return Long.parseLong(psql("incident_service", "SELECT count(*) FROM inbox_event WHERE topic = 'alerts'").trim());
    }

    /** The same writes, one event per transaction, 8 clients, on a schema-only copy of the service's database. */
    static double pgbench(int alerts) throws Exception {
        psql("postgres", "DROP DATABASE IF EXISTS alert_bench WITH (FORCE)");
        psql("postgres", "CREATE DATABASE alert_bench");
        String schema = run(List.of("pg_dump", "--schema-only", "--no-owner", "-h", host(), "-p", port(), "-U", user(), "incident_service"));
        Path schemaFile = Files.createTempFile("schema-", ".sql");
        Files.writeString(schemaFile, schema);
        run(List.of("psql", "-X", "-q", "-h", host(), "-p", port(), "-U", user(), "-d", "alert_bench", "-f", schemaFile.toString()));
        Path script = Files.createTempFile("alert-", ".sql");
        Files.writeString(script, """
                \\set a random(1, %d)
                BEGIN;
                INSERT INTO inbox_event (topic, event_id, event_type) VALUES ('alerts', md5(random()::text || clock_timestamp()::text), 'alert.updated');
                INSERT INTO alert (project_id, iid, title, status, severity, updated_at) VALUES (9000000 + :a %% 100, :a, 'Alert', 1, 'unknown', clock_timestamp())
                  ON CONFLICT (project_id, iid) DO UPDATE SET title = EXCLUDED.title, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
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
