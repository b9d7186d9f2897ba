package com.gitlab.ops.release.bench;

import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.source.GitLabSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The release-tracker's post-migration diff (the service's own GitLabSource, JGit) against
 * {@code git diff --name-only --diff-filter=A} on the same repository, in the same run: two
 * packages 10,000 commits apart, with 3,000 post-migrations added between them in a repository
 * that already has 5,000 other files and 1,000 older post-migrations. Prints both medians and the
 * ratio (target: JGit no slower than git). Not a test: run it as the README says.
 */
public final class PostMigrationDiffBenchmark {

    private static final int COMMITS = 10_000;
    private static final int POST_MIGRATIONS = 3_000;
    private static final int RUNS = 15;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("post-migration-bench");
        long built = System.nanoTime();
        createRepository(dir);
        System.out.printf("repository: %d commits between the packages, %d post-migrations added, built in %.1f s (%s)%n",
                COMMITS, POST_MIGRATIONS, (System.nanoTime() - built) / 1e9, dir);
        String from = git(dir, "rev-parse", "--short=11", "base").trim();
        String to = git(dir, "rev-parse", "--short=11", "master").trim();

        GitLabSource finder = new GitLabSource(config(dir), new SimpleMeterRegistry(), java.time.Clock.systemUTC());
        long coldStart = System.nanoTime();
        int found = finder.postMigrationsAdded(from, to).size();
        double cold = (System.nanoTime() - coldStart) / 1e6;
        double[] jgit = new double[RUNS];
        double[] cli = new double[RUNS];
        int gitFound = 0;
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            found = finder.postMigrationsAdded(from, to).size();
            jgit[i] = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            gitFound = (int) git(dir, "diff", "--name-only", "--diff-filter=A", from, to, "--", "db/post_migrate/").lines().count();
            cli[i] = (System.nanoTime() - t) / 1e6;
        }
        if (found != POST_MIGRATIONS || gitFound != POST_MIGRATIONS) {
            throw new IllegalStateException("expected " + POST_MIGRATIONS + " files, JGit found " + found + ", git " + gitFound);
        }
        double jgitMedian = median(jgit);
        double gitMedian = median(cli);
        System.out.printf("%-34s %10s%n", "", "median ms");
        System.out.printf("%-34s %10.1f   (first call, opening the repository: %.1f ms)%n", "release-tracker (JGit tree diff)", jgitMedian, cold);
        System.out.printf("%-34s %10.1f   (a process per call, as a shell would run it)%n", "git diff --name-only --diff-filter=A", gitMedian);
        System.out.printf("%-34s %10.2f   (target: at most 1.00)%n", "ratio JGit / git", jgitMedian / gitMedian);
        System.out.printf("both found %d post-migrations; %d runs each, interleaved%n", found, RUNS);
    }

    private static ReleaseTrackerConfig config(Path repository) {
        return new ReleaseTrackerConfig() {
            public List<String> environments() {
                return List.of("gstg-cny");
            }

            public List<String> requiredJobs() {
                return List.of("wait:helm");
            }

            public String referenceEnvironment() {
                return "gstg-cny";
            }

            public Optional<String> gitRepository() {
                return Optional.of(repository.toString());
            }

            public String gitCacheDir() {
                return repository.resolve("cache").toString();
            }

            public Optional<String> gitlabUrl() {
                return Optional.empty();
            }

            public Optional<String> gitlabToken() {
                return Optional.empty();
            }

            public Optional<String> gitlabProject() {
                return Optional.empty();
            }

            public Duration gitFetchTimeout() {
                return Duration.ofSeconds(60);
            }

            public Duration gitlabTimeout() {
                return Duration.ofSeconds(10);
            }

            public Duration claimLease() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Optional<String> slackSigningSecret() {
                return Optional.empty();
            }
        };
    }

    /** One fast-import stream: a base commit (tagged "base"), then COMMITS commits on top. */
    private static void createRepository(Path dir) throws Exception {
        git(dir, "init", "-q", "-b", "master");
        Process importer = new ProcessBuilder("git", "fast-import", "--quiet").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream raw = importer.getOutputStream(); OutputStream out = new BufferedOutputStream(raw, 1 << 20)) {
            long time = 1_640_995_200L;
            StringBuilder base = new StringBuilder();
            for (int f = 0; f < 5_000; f++) {
                base.append(file("app/models/part" + f / 100 + "/model_" + f + ".rb", "class Model" + f + "; end\n"));
            }
            for (int m = 0; m < 1_000; m++) {
                base.append(file(String.format("db/post_migrate/2021%08d_old_%d.rb", m, m), "# old " + m + "\n"));
            }
            write(out, commit(1, time, "base", null, base.toString()));
            write(out, "reset refs/tags/base\nfrom :1\n\n");
            int postMigrations = 0;
            for (int c = 1; c <= COMMITS; c++) {
                String change;
                // Every few commits one adds a post-migration; the others change application code.
                if ((long) c * POST_MIGRATIONS / COMMITS > postMigrations) {
                    change = file(String.format("db/post_migrate/2022%08d_post_%d.rb", postMigrations, postMigrations), "# post " + c + "\n");
                    postMigrations++;
                } else {
                    change = file("app/models/part" + c % 50 + "/model_" + c % 5_000 + ".rb", "class Model; VERSION = " + c + "; end\n")
                            + (c % 7 == 0 ? file("db/migrate/2022" + String.format("%08d", c) + "_regular.rb", "# migration\n") : "");
                }
                write(out, commit(c + 1, time + c * 60L, "change " + c, c, change));
            }
        }
        if (importer.waitFor() != 0) {
            throw new IllegalStateException("git fast-import failed");
        }
        git(dir, "gc", "-q");
    }

    private static String commit(int mark, long time, String message, Integer parent, String changes) {
        return "commit refs/heads/master\nmark :" + mark + "\ncommitter Bench <bench@example.com> " + time + " +0000\n"
                + data(message) + (parent == null ? "" : "from :" + parent + "\n") + changes + "\n";
    }

    private static String file(String path, String content) {
        return "M 644 inline " + path + "\n" + data(content);
    }

    private static String data(String text) {
        return "data " + text.getBytes(StandardCharsets.UTF_8).length + "\n" + text + "\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
