package com.gitlab.ops.faults;

import static org.awaitility.Awaitility.await;

import com.gitlab.ops.testing.ChildProcesses;
import com.gitlab.ops.testing.HttpStatus;
import com.gitlab.ops.testing.ServiceJar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One instance of a service, run from its packaged jar as a real process on a port of its
 * own, to be killed and restarted. Instances of a service share its database and consumer group, as
 * Kubernetes runs them.
 */
final class ServiceProcess {

    private final String name;
    private final int instance;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int kills;
    private int restarts;
    private int crashedOnStart;
    private volatile boolean stopping;
    private volatile boolean running;

    private final PartsDown partsDown;

    ServiceProcess(String name, int instance, int port, Path repositoryRoot, Path logDir, Map<String, String> env, PartsDown partsDown) {
        this.name = name;
        this.partsDown = partsDown;
        this.instance = instance;
        this.jar = ServiceJar.of(repositoryRoot, name);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the suite as ./mvnw verify -Pfaults, which packages the services first");
        }
        this.port = port;
        this.env = Map.copyOf(env);
        this.log = logDir.resolve(name + "-" + instance + ".log");
    }

    /** The service's name, shared by its instances. */
    String name() {
        return name;
    }

    /** This instance, as the timeline names it: incident-service#1. */
    String id() {
        return name + "#" + instance;
    }

    int kills() {
        return kills;
    }

    /** Graceful restarts of a rolling restart. */
    int restarts() {
        return restarts;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void start() throws InterruptedException {
        start(Map.of());
    }

    /**
     * Starts it with more environment, for this run of the process only (a fault point, say). A
     * start that fails while the broker or the database is down (Flyway cannot migrate without the
     * database) is tried again once they are back, as Kubernetes restarts a pod that crashed; any
     * other failure to start fails the suite.
     */
    synchronized void start(Map<String, String> extra) throws InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        running = false;
        while (true) {
            long startedAt = System.nanoTime();
            // C1 only: six instances share two cores here, and C2's compiler threads made a restart
            // under load take a minute (the suite is about what happens, not how fast).
            process = ChildProcesses.start(List.of(ChildProcesses.java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                    jar.toString()), log, all);
            try {
                ChildProcesses.awaitReady(process, id(), log, Duration.ofSeconds(120), () -> readiness() == 200);
                running = true;
                return;
            } catch (IllegalStateException e) {
                if (!partsDown.since(startedAt)) {
                    throw e;
                }
                process.destroyForcibly().waitFor();
                crashedOnStart++;
                await(id() + " able to start: the broker and the database up").atMost(Duration.ofMinutes(30))
                        .pollInterval(Duration.ofMillis(500)).until(() -> !partsDown.now());
            }
        }
    }

    /** Starts that failed because the broker or the database was down, and were tried again. */
    int crashedOnStart() {
        return crashedOnStart;
    }

    /** The process running now. */
    synchronized Process process() {
        return process;
    }

    /** Starts it again if {@code exited} is still the process of record (a kill may have replaced it already). */
    synchronized boolean restartIfStill(Process exited) throws InterruptedException {
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

    /** A rolling restart's step: SIGTERM, a graceful stop (consumers leave the group), then a start. */
    synchronized void restart() throws InterruptedException {
        stop();
        restarts++;
        start();
    }

    /** SIGKILL: no shutdown hook, no graceful drain, whatever was in flight is cut off. */
    synchronized void kill() throws InterruptedException {
        running = false;
        process.destroyForcibly().waitFor();
        kills++;
    }

    synchronized void stop() throws InterruptedException {
        if (process != null) {
            stopping = true;
            running = false;
            try {
                process.destroy();
                process.waitFor();
            } finally {
                stopping = false;
            }
        }
    }

    /** Writes the threads of the running process next to its log, for an instance that is stuck. */
    void dumpThreads(String why) {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        Path dump = log.resolveSibling(id().replace('#', '-') + "-threads-" + System.currentTimeMillis() + ".txt");
        try {
            Files.writeString(dump, why + "\n");
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(running.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dump.toFile())).start().waitFor();
        } catch (IOException e) {
            // A diagnostic only.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Started and ready, and neither killed nor being stopped or started since. */
    boolean running() {
        return running;
    }

    /** Being stopped gracefully now. */
    boolean stopping() {
        return stopping;
    }

    /** The readiness probe's HTTP status, or -1 when the service does not answer. */
    int readiness() {
        return status("/q/health/ready");
    }

    int status(String path) {
        return HttpStatus.of(baseUrl() + path);
    }

    Path log() {
        return log;
    }
}
