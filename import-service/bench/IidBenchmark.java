import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IID allocation throughput: POST .../iids/issues/next on the running import-service, at 1, 8 and 32
 * concurrent clients, on one counter and on 1,000 counters, beside pgbench running the same
 * UPDATE ... RETURNING on the same PostgreSQL in the same run. Counts duplicates and gaps among the
 * numbers handed out (both must be 0). Each client is one keep-alive HTTP/1.1 connection written and
 * read by hand, as pgbench is a lean libpq client: Java's HttpClient spent 400 to 700 µs of CPU per
 * request here, more than the service itself, on the same two cores. Service and pgbench take turns
 * in slices of 2 s: a commit's latency on these disks drifts by half within seconds (pgbench alone,
 * one client: 1,100 to 2,000 tps from one second to the next), so a run of each after the other
 * measured the disk as much as the service. JDK only:
 *
 *   eval "$(./stack env)"; java import-service/bench/IidBenchmark.java [seconds per run]
 *
 * Environment: IMPORT_SERVICE_URL (default http://127.0.0.1:8083), PGHOST/PGPORT/PGUSER for pgbench
 * (default 127.0.0.1, 5432, postgres).
 */
public class IidBenchmark {

    static final Pattern IID = Pattern.compile("\"iid\"\\s*:\\s*(\\d+)");

    static final int SLICE_SECONDS = 2;

    record Result(double rate, long requests, long duplicates, long gaps, long errors) {
    }

    /** What one turn of the service's clients got: the IIDs per project, how long it took, the failed requests. */
    record Slice(Map<Long, List<Long>> handedOut, double seconds, long errors) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int slices = Math.max(1, Math.round((float) seconds / SLICE_SECONDS)); // each run takes its turns in these
        String url = System.getenv().getOrDefault("IMPORT_SERVICE_URL", "http://127.0.0.1:8083");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            System.err.println("import-service is not reachable at " + url + ": run ./stack up (and eval \"$(./stack env)\") first");
            System.exit(1);
        }
        Path scripts = preparePgbench();
        long base = System.currentTimeMillis() % 100_000_000L * 10_000; // fresh project ids every run

        System.out.printf("IID allocation, %d s per run, %d cores; the service and pgbench on the same PostgreSQL%n%n", slices * SLICE_SECONDS,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-8s %-9s %14s %14s %7s %11s %6s %7s%n", "clients", "counters", "service req/s", "pgbench tps", "ratio",
                "duplicates", "gaps", "errors");
        // The service's JIT warms up first, on counters the measured runs do not use: 3 s left the
        // first runs after a restart at a third of their rate.
        runService(url, base + 9_000, 1000, 8, 8);
        runService(url, base + 9_500, 1, 8, 4);
        runService(url, base + 9_800, 1, 1, 2); // the first measured run is one client's
        int[] counters = {1, 1000};
        int[] clientCounts = {1, 8, 32};
        for (int counterCount : counters) {
            for (int clients : clientCounts) {
                base += 10_000;
                Map<Long, List<Long>> handedOut = new HashMap<>();
                double serviceSeconds = 0;
                long errors = 0;
                double pgbenchTransactions = 0;
                for (int slice = 0; slice < slices; slice++) {
                    Slice service = runService(url, base, counterCount, clients, SLICE_SECONDS);
                    service.handedOut().forEach((p, ids) -> handedOut.computeIfAbsent(p, k -> new ArrayList<>()).addAll(ids));
                    serviceSeconds += service.seconds();
                    errors += service.errors();
                    pgbenchTransactions += runPgbench(scripts, counterCount, clients, SLICE_SECONDS) * SLICE_SECONDS;
                }
                Result service = result(handedOut, serviceSeconds, errors);
                double pgbench = pgbenchTransactions / (slices * SLICE_SECONDS);
                System.out.printf("%-8d %-9d %14.0f %14.0f %7.2f %11d %6d %7d%n", clients, counterCount, service.rate(), pgbench,
                        service.rate() / pgbench, service.duplicates(), service.gaps(), service.errors());
            }
        }
    }

    static Slice runService(String url, long base, int counters, int clients, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Map<Long, List<Long>>>> futures = new ArrayList<>();
        long[] errors = new long[clients];
        URI target = URI.create(url);
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                Map<Long, List<Long>> got = new HashMap<>();
                Connection connection = null;
                while (System.nanoTime() < deadline) {
                    long project = base + ThreadLocalRandom.current().nextInt(counters);
                    long iid = -1;
                    try {
                        connection = connection != null && !connection.socket.isClosed() ? connection : new Connection(target);
                        iid = connection.next(project);
                    } catch (IOException e) {
                        if (connection != null) {
                            connection.socket.close(); // a new connection for the next request
                        }
                    }
                    if (iid < 0) {
                        errors[client]++;
                    } else {
                        got.computeIfAbsent(project, p -> new ArrayList<>()).add(iid);
                    }
                }
                if (connection != null) {
                    connection.socket.close();
                }
                return got;
            }));
        }
        long started = System.nanoTime();
        Map<Long, List<Long>> all = new HashMap<>();
        for (Future<Map<Long, List<Long>>> f : futures) {
            f.get().forEach((p, ids) -> all.computeIfAbsent(p, k -> new ArrayList<>()).addAll(ids));
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        long errorCount = 0;
        for (long e : errors) {
            errorCount += e;
        }
        return new Slice(all, elapsed, errorCount);
    }

    /** The rate over every slice, and the duplicates and gaps among all the IIDs handed out. */
    static Result result(Map<Long, List<Long>> all, double elapsed, long errorCount) {
        long requests = 0;
        long duplicates = 0;
        long gaps = 0;
        for (List<Long> ids : all.values()) {
            Set<Long> distinct = new HashSet<>(ids);
            requests += ids.size();
            duplicates += ids.size() - distinct.size();
            // A fresh counter hands out 1..n: whatever is missing below the highest is a gap.
            gaps += distinct.stream().mapToLong(Long::longValue).max().orElse(0) - distinct.size();
        }
        return new Result(requests / elapsed, requests, duplicates, gaps, errorCount);
    }

    /** One client's keep-alive HTTP/1.1 connection: a request written, its status line, headers and body read. */
    static final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final String host;

        Connection(URI target) throws IOException {
            socket = new Socket(target.getHost(), target.getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            out = new BufferedOutputStream(socket.getOutputStream());
            in = new BufferedInputStream(socket.getInputStream());
            host = target.getHost() + ":" + target.getPort();
        }

        /** The IID handed out, or -1 for any answer but 200 with one. */
        long next(long project) throws IOException {
            out.write(("POST /api/projects/" + project + "/iids/issues/next HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            int length = -1;
            boolean close = false;
            for (String header; !(header = line()).isEmpty(); ) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
                close |= header.equalsIgnoreCase("connection: close");
            }
            if (length < 0) {
                throw new IOException("an answer without Content-Length: " + status); // this client reads no other
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (close) {
                socket.close(); // the next request opens another connection
            }
            Matcher m = IID.matcher(body);
            return status.startsWith("HTTP/1.1 200") && m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    /** A scratch database with the same table shape, and the two pgbench scripts. */
    static Path preparePgbench() throws Exception {
        psql("postgres", "DROP DATABASE IF EXISTS iid_bench WITH (FORCE)");
        psql("postgres", "CREATE DATABASE iid_bench");
        psql("iid_bench", """
                CREATE TABLE internal_id (project_id bigint NOT NULL, usage varchar(32) NOT NULL, last_value bigint NOT NULL,
                  PRIMARY KEY (project_id, usage));
                INSERT INTO internal_id SELECT p, 'issues', 0 FROM generate_series(1, 1000) p""");
        Path dir = Files.createTempDirectory("iid-bench");
        Files.writeString(dir.resolve("one.sql"),
                "UPDATE internal_id SET last_value = last_value + 1 WHERE project_id = 1 AND usage = 'issues' RETURNING last_value;\n");
        Files.writeString(dir.resolve("many.sql"), """
                \\set p random(1, 1000)
                UPDATE internal_id SET last_value = last_value + 1 WHERE project_id = :p AND usage = 'issues' RETURNING last_value;
                """);
        return dir;
    }

    static double runPgbench(Path scripts, int counters, int clients, int seconds) throws Exception {
        String script = scripts.resolve(counters == 1 ? "one.sql" : "many.sql").toString();
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(clients, 2)), "-T", Integer.toString(seconds), "-f", script));
        command.addAll(connection("iid_bench"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    static void psql(String database, String sql) throws Exception {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql));
        command.addAll(connection(database));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + out);
        }
    }

    static List<String> connection(String database) {
        Map<String, String> env = System.getenv();
        return List.of("-h", env.getOrDefault("PGHOST", "127.0.0.1"), "-p", env.getOrDefault("PGPORT", "5432"),
                "-U", env.getOrDefault("PGUSER", "postgres"), "-d", database);
    }
}
