import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every benchmark of the services, one after the other on the running stack, and one table of
 * today's figure, its baseline (measured in the same run), the ratio and the target. Run by
 * {@code ./stack bench [name ...]}, which sets the stack's environment; each benchmark also runs
 * alone with its own command (the modules' READMEs). Names: alerts, incidents, iid, backfill, diff,
 * startup, up (up stops and starts the whole stack, so it runs last).
 */
public class Benchmarks {

    static final List<String> ALL = List.of("alerts", "incidents", "iid", "backfill", "diff", "startup", "up");
    static final List<String> SERVICES = List.of("incident-service", "release-tracker", "import-service");

    record Row(String what, String today, String baseline, String ratio, String target, boolean met) {
    }

    static final List<Row> ROWS = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        List<String> chosen = args.length == 0 ? ALL : Arrays.asList(args);
        for (String name : chosen) {
            if (!ALL.contains(name)) {
                System.err.println("no benchmark '" + name + "'; names: " + String.join(", ", ALL));
                System.exit(2);
            }
        }
        for (String name : ALL) {
            if (!chosen.contains(name)) {
                continue;
            }
            System.out.println("\n=== " + name);
            switch (name) {
                case "alerts" -> alerts();
                case "incidents" -> incidents();
                case "iid" -> iid();
                case "backfill" -> backfill();
                case "diff" -> diff();
                case "startup" -> startup();
                case "up" -> up();
                default -> throw new IllegalStateException(name);
            }
        }
        table();
    }

    static void alerts() throws Exception {
        String out = run("java", "incident-service/bench/IncidentBenchmark.java", "alerts");
        ratioRow("alert.updated applied, Kafka to PostgreSQL, vs pgbench (8 clients)", out, "events/s", 5, true);
    }

    static void incidents() throws Exception {
        String out = run("java", "incident-service/bench/IncidentBenchmark.java", "incidents");
        ratioRow("alerts that each create an incident, same baseline", out, "events/s", 1, true);
    }

    /** The two lines the incident-service's alert benchmarks print, and their ratio. */
    static void ratioRow(String what, String out, String unit, double target, boolean atLeast) {
        double service = number(out, "incident-service, Kafka to PostgreSQL\\s+([0-9.]+) events/s");
        double pgbench = number(out, "pgbench, inbox claim \\+ alert upsert[^\\n]*?\\s([0-9.]+) tps");
        double ratio = number(out, "(?m)^ratio\\s+([0-9.]+)");
        add(what, "%.0f %s".formatted(service, unit), "%.0f tps".formatted(pgbench), ratio, target, atLeast);
    }

    static void iid() throws Exception {
        String out = run("java", "import-service/bench/IidBenchmark.java");
        iidRow(out, 32, 1, "IID next, 32 clients on one counter, vs pgbench's UPDATE ... RETURNING", 5);
        iidRow(out, 8, 1000, "IID next, 8 clients over 1,000 counters", 1);
        iidRow(out, 32, 1000, "IID next, 32 clients over 1,000 counters", 1);
        iidRow(out, 1, 1, "IID next, 1 client", 0.8);
    }

    static void iidRow(String out, int clients, int counters, String what, double target) {
        Matcher m = Pattern.compile("(?m)^" + clients + "\\s+" + counters + "\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("IidBenchmark printed no row for " + clients + " clients and " + counters + " counters");
        }
        add(what, "%.0f req/s".formatted(Double.parseDouble(m.group(1))), "%.0f tps".formatted(Double.parseDouble(m.group(2))),
                Double.parseDouble(m.group(3)), target, true);
    }

    static void backfill() throws Exception {
        String out = run("java", "incident-service/bench/IncidentBenchmark.java", "backfill");
        double job = number(out, "repair job \\(batches, locks, progress, events\\)\\s+([0-9.]+) incidents/s");
        double statement = number(out, "one INSERT \\.\\.\\. SELECT: records and their events\\s+([0-9.]+) incidents/s");
        double ratio = number(out, "ratio to the same rows \\(records and events\\)\\s+([0-9.]+)");
        add("repair job on 1,000,000 incidents vs one INSERT ... SELECT", "%.0f incidents/s".formatted(job),
                "%.0f incidents/s".formatted(statement), ratio, 0.9, true);
    }

    static void diff() throws Exception {
        String out = run("release-tracker/bench/run-diff-benchmark");
        double jgit = number(out, "release-tracker \\(JGit tree diff\\)\\s+([0-9.]+)");
        double git = number(out, "git diff --name-only --diff-filter=A\\s+([0-9.]+)");
        double ratio = number(out, "ratio JGit / git\\s+([0-9.]+)");
        add("post-migration diff vs git diff --name-only", "%.1f ms".formatted(jgit), "%.1f ms".formatted(git), ratio, 1, false);
    }

    /**
     * Each service restarted alone (the others running), and measured at its second start after its
     * class archive (./stack's cds_opts) was removed: the first records it, as the first start after a
     * build does, the second is measured: Quarkus's "started in", and its resident memory after 10 s
     * idle. Absolute targets: there is no baseline to run beside. The archive is removed once the
     * running service has stopped (a service recording writes its archive as it stops): one recorded
     * through the benchmarks before this one holds every class their load touched, and an idle
     * service maps more of it (259 MB against 234 to 247).
     */
    static void startup() throws Exception {
        double slowest = 0;
        long largest = 0;
        StringBuilder each = new StringBuilder();
        for (String service : SERVICES) {
            run("./stack", "restart", service);
            Path cds = Path.of(".stack", "cds");
            if (Files.isDirectory(cds)) {
                try (var archives = Files.newDirectoryStream(cds, service + ".*")) {
                    for (Path archive : archives) {
                        Files.delete(archive);
                    }
                }
            }
            run("./stack", "restart", service);
            run("./stack", "restart", service);
            String log = Files.readString(Path.of(".stack", "logs", service + ".log"));
            String last = log.substring(log.lastIndexOf("--- started"));
            double started = number(last, "started in ([0-9.]+)s");
            Thread.sleep(10_000);
            long rss = rssMegabytes(service);
            System.out.printf("%s: started in %.1f s, %d MB resident after 10 s idle%n", service, started, rss);
            each.append(each.isEmpty() ? "" : ", ").append("%s %.1f s / %d MB".formatted(service, started, rss));
            slowest = Math.max(slowest, started);
            largest = Math.max(largest, rss);
        }
        ROWS.add(new Row("a service from start to started / its memory idle (slowest, largest; " + serviceJdk() + ")", "%.1f s / %d MB".formatted(slowest, largest),
                "-", "-", "under 3 s / under 250 MB", slowest < 3 && largest < 250));
        System.out.println(each);
    }

    /** The JDK the stack's services run on, as the running import-service's command line names it. */
    static String serviceJdk() {
        String command = process("import-service").info().commandLine().orElse("");
        return command.contains("-XX:AOTCache=") ? "JDK 25+, AOT cache" : command.contains("-XX:SharedArchiveFile=") ? "AppCDS" : "no class archive";
    }

    static long rssMegabytes(String service) throws Exception {
        String status = Files.readString(Path.of("/proc", Long.toString(process(service).pid()), "status"));
        return (long) number(status, "VmRSS:\\s+([0-9]+) kB") / 1024;
    }

    /** The stack's process of a service, found by the jar it runs. */
    static ProcessHandle process(String service) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(service + "/target/" + service + "-runner.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException(service + " is not running"));
    }

    /**
     * ./stack up from a fresh clone of this checkout's last commit (its build, the Unleash install and
     * the start; Maven's and npm's caches are the machine's, as for anyone who cloned here), then
     * from this checkout with everything built. The clone is given this stack's credentials: Unleash
     * keeps the tokens its database was first started with, and new ones would need it dropped.
     */
    static void up() throws Exception {
        run("./stack", "down");
        Path clone = Files.createTempDirectory("stack-fresh-clone");
        try {
            run("git", "clone", "-q", ".", clone.toString());
            Files.createDirectories(clone.resolve(".stack"));
            Files.copy(Path.of(".stack", "credentials.env"), clone.resolve(".stack/credentials.env"));
            timeUp(clone, "./stack up from a fresh clone (build included)", 120);
        } finally {
            // Down even when its up failed: what it started would hold the ports of the up below.
            try {
                runIn(clone, "./stack", "down");
            } catch (Exception e) {
                System.out.println("the clone's ./stack down: " + e.getMessage());
            }
            run("rm", "-rf", clone.toString());
        }
        timeUp(Path.of("."), "./stack up when already built", 15);
    }

    /** ./stack up in a checkout, timed, as a row against an absolute target. */
    static void timeUp(Path checkout, String what, int targetSeconds) throws Exception {
        long start = System.nanoTime();
        runIn(checkout, "./stack", "up");
        double seconds = (System.nanoTime() - start) / 1e9;
        ROWS.add(new Row(what, "%.1f s".formatted(seconds), "-", "-", "under " + targetSeconds + " s", seconds < targetSeconds));
    }

    static void add(String what, String today, String baseline, double ratio, double target, boolean atLeast) {
        ROWS.add(new Row(what, today, baseline, "%.2f".formatted(ratio), (atLeast ? "at least " : "at most ") + target,
                atLeast ? ratio >= target : ratio <= target));
    }

    static void table() {
        System.out.printf("%n%s, %d cores%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors());
        System.out.println("| what | today | baseline | ratio | target | met |");
        System.out.println("|---|---|---|---|---|---|");
        for (Row row : ROWS) {
            System.out.printf("| %s | %s | %s | %s | %s | %s |%n", row.what(), row.today(), row.baseline(), row.ratio(), row.target(),
                    row.met() ? "yes" : "**no**");
        }
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no figure matching /" + regex + "/ in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Runs a command from the checkout's root, echoing what it prints; fails if it fails. */
    static String run(String... command) throws Exception {
        return runIn(Path.of("."), command);
    }

    static String runIn(Path directory, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = reader.readLine()) != null; ) {
                System.out.println(line);
                out.append(line).append('\n');
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
        }
        return out.toString();
    }
}
