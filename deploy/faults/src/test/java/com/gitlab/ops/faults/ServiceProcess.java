package com.gitlab.ops.faults;

import com.gitlab.ops.testing.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A service run from its packaged quarkus-app jar as a real process, to be killed and restarted. */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int kills;

    ServiceProcess(String name, Path repositoryRoot, Path logDir, Map<String, String> env) {
        this.name = name;
        this.jar = repositoryRoot.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the suite as ./mvnw verify -Pfaults, which packages the services first");
        }
        this.port = ChildProcesses.freePort();
        this.env = Map.copyOf(env);
        this.log = logDir.resolve(name + ".log");
    }

    String name() {
        return name;
    }

    int kills() {
        return kills;
    }

    synchronized void start() {
        start(Map.of());
    }

    /** Starts it with more environment, for this run of the process only (a fault point, say). */
    synchronized void start(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        process = ChildProcesses.start(List.of(ChildProcesses.java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()), log, all);
        ChildProcesses.awaitReady(process, name, log, Duration.ofSeconds(120), () -> readiness() == 200);
    }

    /** The process running now. */
    synchronized Process process() {
        return process;
    }

    /** Starts it again if {@code exited} is still the process of record (a kill may have replaced it already). */
    synchronized boolean restartIfStill(Process exited) {
        if (process != exited) {
            return false;
        }
        start();
        return true;
    }

    /** A scheduled kill and the restart after it, as one step: nothing else restarts it in between. */
    synchronized void killAndRestart() throws InterruptedException {
        kill();
        start();
    }

    /** SIGKILL: no shutdown hook, no graceful drain, whatever was in flight is cut off. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
        kills++;
    }

    synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    /** The readiness probe's HTTP status, or -1 when the service does not answer. */
    int readiness() {
        return status("/q/health/ready");
    }

    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    Path log() {
        return log;
    }
}
