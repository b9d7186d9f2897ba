package com.gitlab.ops.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real import-service, run from its packaged jar as a process of its own, for the tests of a
 * service that calls it (incident-service takes incident numbers from its issues counter). One per
 * JVM, on the shared broker and Unleash, with a database of its own; tests may stop and start it to
 * see what happens while it is down.
 */
public final class ImportServiceProcess {

    /** The credentials its /api wants: the user {@code admin}, as in every service's packaged configuration. */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "test-admin";

    private static ImportServiceProcess shared;

    private final Path jar;
    private final int port;
    private final PostgresDatabase database;
    private final Path log;
    private Process process;

    private ImportServiceProcess() throws IOException {
        jar = ServiceJar.of(HarnessLocations.repositoryRoot(), "import-service");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: import-service is packaged before the services whose tests start it"
                    + " (./mvnw verify builds it first; alone: ./mvnw -pl import-service -am package -DskipTests)");
        }
        port = ChildProcesses.freePort();
        database = PostgresDatabase.create("import_for_tests");
        log = Files.createTempDirectory("import-service-").resolve("import-service.log");
        KafkaBroker.shared().createTopics(List.of("imports", "imports.dlq", "import-events"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process != null) {
                process.destroyForcibly();
            }
            database.drop();
        }));
    }

    public static synchronized ImportServiceProcess shared() {
        if (shared == null) {
            try {
                shared = new ImportServiceProcess();
            } catch (IOException e) {
                throw new IllegalStateException("could not prepare import-service", e);
            }
        }
        shared.startIfStopped();
        return shared;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Started and ready, as its readiness probe says. */
    public synchronized void startIfStopped() {
        if (process != null && process.isAlive()) {
            return;
        }
        UnleashServer unleash = UnleashServer.shared();
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers(),
                "DATABASE_HOST", PostgresDatabase.host(), "DATABASE_PORT", Integer.toString(PostgresDatabase.port()),
                "DATABASE_USER", PostgresDatabase.user(), "DATABASE_PASSWORD", PostgresDatabase.password(),
                "DATABASE_NAME", database.name(),
                "UNLEASH_URL", unleash.url(), "UNLEASH_TOKEN", unleash.clientToken()));
        env.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
        // As a production that keeps /api behind credentials: the services calling it must send them.
        env.put("API_AUTH", "authenticated");
        env.put("QUARKUS_UNLEASH_FETCH_TOGGLES_INTERVAL", "1");
        process = ChildProcesses.start(List.of(ChildProcesses.java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                jar.toString()), log, env);
        ChildProcesses.awaitReady(process, "import-service", log, Duration.ofSeconds(120), () -> HttpStatus.of(url() + "/q/health/ready") == 200);
    }

    /** Stops it (SIGTERM): callers see it gone until {@link #startIfStopped()}. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }
}
