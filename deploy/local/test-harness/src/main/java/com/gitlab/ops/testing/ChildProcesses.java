package com.gitlab.ops.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Starting the real parts as child processes of the test JVM. */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * Starts a process whose output goes to {@code log} and whose standard input stays an open pipe:
     * the child watches it and exits when the test JVM is gone, even after a SIGKILL. A shutdown hook
     * stops it sooner on a normal exit.
     */
    public static Process start(List<String> command, Path log, java.util.Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                process.descendants().forEach(ProcessHandle::destroy);
            }));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.get(0), e);
        }
    }

    /**
     * Waits until {@code ready} answers true while the process lives; otherwise kills it and fails
     * with a message that names its log.
     */
    public static void awaitReady(Process process, String what, Path log, Duration timeout, Callable<Boolean> ready) {
        try {
            await(what + " (log: " + log + ")")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        // A process that exited fails at once; one not answering yet is only not ready.
                        if (!process.isAlive()) {
                            throw new IllegalStateException(what + " exited with status " + process.exitValue());
                        }
                        try {
                            return ready.call();
                        } catch (Exception e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " did not start; its log is " + log, e);
        }
    }

    public static int freePort() {
        return freePorts(1)[0];
    }

    /**
     * Ports free now and distinct from each other: all are held open until every one is picked,
     * since a port closed and asked for again may well be handed out twice.
     */
    public static int[] freePorts(int count) {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing a listening socket does not fail in a way that matters here.
                }
            }
        }
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
