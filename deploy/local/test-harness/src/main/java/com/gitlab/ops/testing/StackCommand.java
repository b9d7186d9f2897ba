package com.gitlab.ops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("./stack " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
