package com.gitlab.ops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./stack} as a user would, for tests of its commands; answers its exit code and output. */
public final class StackCommand {

    public record Result(int exitCode, String output) {
    }

    private StackCommand() {
    }

    public static Result run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(HarnessLocations.repositoryRoot().resolve("stack").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(HarnessLocations.repositoryRoot().toFile());
        builder.environment().putAll(env);
        try {
            // Output to a file, not a pipe: reading a pipe to its end would wait past the timeout for a hung command.
            Path output = Files.createTempFile("stack-command", ".log");
            Process process = builder.redirectOutput(output.toFile()).start();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("./stack " + String.join(" ", args) + " did not finish in 60 s: " + read(output));
                }
                return new Result(process.exitValue(), read(output));
            } finally {
                if (process.isAlive()) { // timed out, or this thread was interrupted
                    // Its children (curl, say) too: killing bash alone would leave them running.
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Bytes, not readString: a command killed mid-character must not hide what it wrote. */
    private static String read(Path output) throws IOException {
        return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
    }

    /** ./stack flag against the test JVM's Unleash server. */
    public static Result flag(String... args) {
        UnleashServer unleash = UnleashServer.shared();
        List<String> all = new ArrayList<>(List.of("flag"));
        all.addAll(List.of(args));
        return run(Map.of("UNLEASH_URL", unleash.url(), "UNLEASH_ADMIN_TOKEN", unleash.adminToken(),
                "UNLEASH_ENVIRONMENT", UnleashServer.ENVIRONMENT), all.toArray(String[]::new));
    }
}
