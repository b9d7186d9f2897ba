package com.gitlab.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./stack signals only processes it started: a pid file left by a reboot, or naming a pid that
 * another program has since, is never acted on.
 */
class StackPidFilesTest {

    @TempDir
    Path state;

    @Test
    void downLeavesAnUnrelatedProcessAlive() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            Files.createDirectories(state.resolve("pids"));
            // As ./stack writes it, but the start time is not this process's: the pid was reused.
            Files.writeString(state.resolve("pids/kafka.pid"), unrelated.pid() + " 1\n");
            // As an older ./stack wrote it, a pid alone, naming a process that does not run from this checkout.
            Files.writeString(state.resolve("pids/unleash.pid"), unrelated.pid() + "\n");

            StackCommand.Result down = StackCommand.run(Map.of("STACK_STATE", state.toString()), "down");

            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("kafka: its pid file names no process ./stack started"), down.output());
            assertTrue(down.output().contains("unleash: its pid file names no process ./stack started"), down.output());
            assertFalse(unrelated.waitFor(1, TimeUnit.SECONDS), "the unrelated process was signalled");
            assertFalse(Files.exists(state.resolve("pids/kafka.pid")), "the stale pid file is gone");
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void downStopsTheProcessItStarted() throws Exception {
        Process started = new ProcessBuilder("setsid", "sleep", "300").start();
        try {
            Files.createDirectories(state.resolve("pids"));
            Files.writeString(state.resolve("pids/import-service.pid"), started.pid() + " " + startTime(started.pid()) + "\n");

            StackCommand.Result down = StackCommand.run(Map.of("STACK_STATE", state.toString()), "down");

            assertEquals(0, down.exitCode(), down.output());
            assertTrue(started.waitFor(30, TimeUnit.SECONDS), "the process ./stack started was not stopped: " + down.output());
        } finally {
            started.destroyForcibly();
        }
    }

    /** Field 22 of /proc/PID/stat, as ./stack records it. */
    private static String startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[19];
    }
}
