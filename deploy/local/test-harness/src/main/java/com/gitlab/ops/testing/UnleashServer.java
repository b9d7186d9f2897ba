package com.gitlab.ops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real Unleash server per test JVM (deploy/local/unleash), on a free port with its own fresh
 * database. Installs its pinned packages with npm the first time. It dies with the JVM.
 */
public final class UnleashServer {

    public static final String ENVIRONMENT = "development";
    /** The context fields the services send with every evaluation. */
    public static final List<String> CONTEXT_FIELDS = List.of("projectId", "projectPath");

    private static UnleashServer shared;

    private final String url;
    private final String adminToken;
    private final String clientToken;
    private final Process process;

    private UnleashServer(String url, String adminToken, String clientToken, Process process) {
        this.url = url;
        this.adminToken = adminToken;
        this.clientToken = clientToken;
        this.process = process;
    }

    public static synchronized UnleashServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** The server's base URL; the SDK's API is under {@code /api}. */
    public String url() {
        return url;
    }

    /** A backend token for the {@value #ENVIRONMENT} environment, as the services use. */
    public String clientToken() {
        return clientToken;
    }

    /** An admin token, for clients of the Admin API other than {@link #admin()} (e.g. ./stack flag). */
    public String adminToken() {
        return adminToken;
    }

    public UnleashAdmin admin() {
        return new UnleashAdmin(url, adminToken, ENVIRONMENT);
    }

    private static UnleashServer start() {
        Path dir = HarnessLocations.unleashDir();
        installIfMissing(dir);
        PostgresDatabase database = PostgresDatabase.create("unleash");
        Runtime.getRuntime().addShutdownHook(new Thread(database::drop));
        int port = ChildProcesses.freePort();
        String secret = UUID.randomUUID().toString().replace("-", "");
        String adminToken = "*:*." + secret;
        String clientToken = "default:" + ENVIRONMENT + "." + secret;
        Path log;
        try {
            log = Files.createTempFile("test-unleash-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process process = ChildProcesses.start(List.of("node", dir.resolve("server.js").toString()), log, Map.of(
                "DATABASE_URL", database.url(),
                "DATABASE_SSL", "false",
                "HTTP_HOST", "127.0.0.1",
                "HTTP_PORT", Integer.toString(port),
                "INIT_ADMIN_API_TOKENS", adminToken,
                "INIT_BACKEND_API_TOKENS", clientToken,
                "LOG_LEVEL", "warn",
                "EXIT_WITH_PARENT", "true"));
        UnleashServer server = new UnleashServer("http://127.0.0.1:" + port, adminToken, clientToken, process);
        server.awaitReady(log);
        UnleashAdmin admin = server.admin();
        CONTEXT_FIELDS.forEach(field -> admin.createContextField(field, true));
        return server;
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/health")).build();
        ChildProcesses.awaitReady(process, "Unleash at " + url, log, Duration.ofSeconds(120),
                () -> http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private static synchronized void installIfMissing(Path dir) {
        // Locked across JVMs: a parallel build's modules start their servers at the same time.
        try (FileChannel lock = FileChannel.open(dir.resolve(".npm-install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lock.lock()) {
            if (Files.isDirectory(dir.resolve("node_modules/unleash-server"))) {
                return;
            }
            Process npm = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("npm-install.log").toFile()))
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed in " + dir + "; see " + dir.resolve("npm-install.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Node.js and npm are needed for the Unleash server (install the Debian packages nodejs and npm): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
