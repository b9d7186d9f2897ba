package com.gitlab.ops.release;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.flags.FeatureFlags;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaTestClient;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServer;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReleaseTrackerTest {

    private static final String FLAG = "post_deploy_migrations_note";
    private static final Duration WAIT = Duration.ofSeconds(30);
    // Each test's packages get their own release, so notes and lists never meet. Time only goes
    // forward across the class: which package was deployed "before" is global.
    private static final AtomicInteger RELEASES = new AtomicInteger(20);
    private static final AtomicInteger BUILD_MINUTES = new AtomicInteger();
    private static final java.time.LocalDateTime EPOCH = java.time.LocalDateTime.of(2022, 2, 8, 0, 0);

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @ConfigProperty(name = "release-tracker.gitlab-url")
    String gitlabUrl;

    @Inject
    FeatureFlags flags;

    private final KafkaTestClient kafka = KafkaTestClient.forSharedBroker();
    private TestGitRepository repository;
    private String release;

    @BeforeEach
    void setUp() {
        repository = TestGitRepository.open(repositoryPath);
        release = "15." + RELEASES.incrementAndGet();
        flag(true);
    }

    @AfterEach
    void tearDown() {
        repository.close();
        flag(false);
    }

    private void flag(boolean on) {
        if (on) {
            UnleashServer.shared().admin().enable(FLAG);
        } else {
            UnleashServer.shared().admin().disable(FLAG);
        }
        await().atMost(WAIT).until(() -> flags.isEnabled(FLAG) == on);
    }

    /** A package of this test's release, built a minute after the previous one, at that GitLab commit. */
    private String pkg(String gitlabCommit) {
        String built = EPOCH.plusMinutes(BUILD_MINUTES.incrementAndGet()).format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm"));
        return release + "." + built + "-" + gitlabCommit + ".4ce763dbce1";
    }

    private String job(String pkg, String environment, String job, String status, Map<String, Object> extra) {
        Map<String, Object> data = new HashMap<>(Map.of("package", pkg, "environment", environment, "job", job, "status", status,
                "finished_at", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).toString()));
        data.putAll(extra);
        String id = CloudEvents.newId();
        kafka.send("deploys", pkg, CloudEvents.envelope(id, "deploy.job.finished", data));
        return id;
    }

    private void deploy(String pkg, String environment) {
        job(pkg, environment, "wait:omnibus", "success", Map.of());
        String last = job(pkg, environment, "wait:helm", "success", Map.of());
        awaitApplied(last);
    }

    private static void awaitApplied(String eventId) {
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", eventId)
                .then().statusCode(200));
    }

    private static JsonPath packageOf(String pkg) {
        return given().get("/api/packages/{p}", pkg).then().statusCode(200).extract().jsonPath();
    }

    private List<String> notesReceived() {
        String all = RestAssured.given().baseUri(gitlabUrl).get("/__notes").then().statusCode(200).extract().asString();
        return all.isBlank() ? List.of() : List.of(all.split("\n"));
    }

    @Test
    @org.junit.jupiter.api.Order(1) // the first package deployed to the reference environment is the baseline
    void aPackageIntroducesThePostMigrationsAddedSinceThePreviousOneAndTheNoteIsPostedOnce() {
        String c1 = repository.commit("base", "app/models/user.rb", "db/post_migrate/20220101000000_old.rb");
        String c2 = repository.commit("feature", "db/post_migrate/20220201141705_cleanup_background_migration.rb",
                "db/post_migrate/20220201173212_add_user_details_provisioning_index.rb", "db/migrate/20220201000000_regular.rb",
                "app/services/thing.rb");
        String first = pkg(c1);
        String second = pkg(c2);

        deploy(first, "gstg-cny");
        assertEquals("baseline", packageOf(first).getString("post_migrations.state"));
        assertEquals(List.of(), packageOf(first).getList("post_migrations.files"));

        // Jobs in either order: helm first here; a failed job on the way is recorded.
        job(second, "gstg-cny", "wait:helm", "failed", Map.of());
        awaitApplied(job(second, "gstg-cny", "wait:helm", "success", Map.of("pipeline_id", 77)));
        assertEquals(false, packageOf(second).getBoolean("environments.'gstg-cny'.deployed"));
        deploy(second, "gstg-cny");

        JsonPath story = packageOf(second);
        assertEquals("computed", story.getString("post_migrations.state"));
        assertEquals(first, story.getString("post_migrations.compared_with"));
        assertEquals(List.of("db/post_migrate/20220201141705_cleanup_background_migration.rb",
                "db/post_migrate/20220201173212_add_user_details_provisioning_index.rb"), story.getList("post_migrations.files"));
        assertEquals(release, story.getString("release"));
        assertEquals(c2, story.getString("gitlab_commit"));
        assertEquals("success", story.getString("environments.'gstg-cny'.jobs.'wait:helm'.status"));

        given().get("/api/post-migrations/{f}", "20220201173212_add_user_details_provisioning_index.rb").then().statusCode(200)
                .body("package_version", equalTo(second)).body("release", equalTo(release));
        given().get("/api/post-migrations/db/post_migrate/20220201141705_cleanup_background_migration.rb").then().statusCode(200)
                .body("package_version", equalTo(second));
        given().get("/api/releases/{r}/post-migrations", release).then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].package_version", equalTo(second)).body("[0].files.size()", equalTo(2));

        String expected = "Auto-deploy package `" + second + "` introduces post-deploy migrations:\n"
                + "- `db/post_migrate/20220201141705_cleanup_background_migration.rb`\n"
                + "- `db/post_migrate/20220201173212_add_user_details_provisioning_index.rb`\n";
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("size()", equalTo(1)).body("[0].state", equalTo("posted")).body("[0].body", equalTo(expected)));

        // The same deployment again: no second note.
        deploy(second, "gstg-cny");
        given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(1));
        long posted = notesReceived().stream().filter(n -> n.contains(second)).count();
        assertEquals(1, posted);
        String note = notesReceived().stream().filter(n -> n.contains(second)).findFirst().orElseThrow();
        assertTrue(note.startsWith("101 " + FakeGitLabResource.TOKEN + " "), "posted on the release issue with the token: " + note);
    }

    @Test
    void aRollbackPastAPostMigrationThatRanIsUnsafe() {
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds one", "db/post_migrate/20230101000000_drop_column.rb");
        String c3 = repository.commit("adds nothing post-deploy", "app/x.rb");
        String p1 = pkg(c1);
        String p2 = pkg(c2);
        String p3 = pkg(c3);
        deploy(p1, "gstg-cny");
        deploy(p2, "gstg-cny");
        deploy(p3, "gstg-cny");

        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then().statusCode(200)
                .body("safe", equalTo(true)).body("blocking.size()", equalTo(0));

        String ran = CloudEvents.newId();
        kafka.send("deploys", p3, CloudEvents.envelope(ran, "post_migrations.executed", Map.of("environment", "gprd", "package", p3)));
        awaitApplied(ran);

        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then().statusCode(200)
                .body("safe", equalTo(false))
                .body("blocking[0].path", equalTo("db/post_migrate/20230101000000_drop_column.rb"))
                .body("blocking[0].package_version", equalTo(p2));
        given().get("/api/environments/gprd/rollback-check?target={t}", p2).then().body("safe", equalTo(true));
        given().get("/api/environments/gstg/rollback-check?target={t}", p1).then().body("safe", equalTo(true));
        given().get("/api/post-migrations/20230101000000_drop_column.rb").then().body("ran_on", equalTo(List.of("gprd")));
    }

    @Test
    void aCommitNotFoundIsAnErrorOnThePackageAndIsRetriedUntilItIsThere() {
        String c1 = repository.commit("base");
        TestGitRepository elsewhere = TestGitRepository.create();
        elsewhere.fetchFrom(repository);
        String missing;
        try (elsewhere) {
            missing = commitOnTopOf(elsewhere, c1);
            String p1 = pkg(c1);
            String p2 = pkg(missing);
            deploy(p1, "gstg-cny");
            deploy(p2, "gstg-cny");

            JsonPath story = packageOf(p2);
            assertEquals("error", story.getString("post_migrations.state"));
            assertTrue(story.getString("post_migrations.error").startsWith("commit " + missing + " is not in the GitLab repository"),
                    story.getString("post_migrations.error"));

            repository.fetchFrom(elsewhere);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/packages/{p}", p2).then()
                    .body("post_migrations.state", equalTo("computed"))
                    .body("post_migrations.files", equalTo(List.of("db/post_migrate/20240101000000_late.rb"))));
        }
    }

    private static String commitOnTopOf(TestGitRepository repo, String base) {
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(repo.dir().toFile())) {
            git.checkout().setCreateBranch(true).setName("late").setStartPoint(
                    git.getRepository().resolve(base).name()).call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return repo.commit("late work", "db/post_migrate/20240101000000_late.rb");
    }

    @Test
    void aListGivenByTheEventIsTrustedWithoutADiff() {
        String c1 = repository.commit("base");
        String p1 = pkg(c1);
        String p2 = pkg("0000000000a"); // not in the repository: no diff may be attempted
        deploy(p1, "gstg-cny");
        job(p2, "gstg-cny", "wait:omnibus", "success", Map.of("post_migrations", List.of("db/post_migrate/20250101000000_listed.rb")));
        awaitApplied(job(p2, "gstg-cny", "wait:helm", "success", Map.of()));

        assertEquals("listed", packageOf(p2).getString("post_migrations.state"));
        assertEquals(List.of("db/post_migrate/20250101000000_listed.rb"), packageOf(p2).getList("post_migrations.files"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(1)));
    }

    @Test
    void aNoteGitLabRefusesStaysPendingWithItsErrorAndIsRetriedUntilItLands() {
        RestAssured.given().baseUri(gitlabUrl).post("/__fail?times=2").then().statusCode(200);
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds", "db/post_migrate/20260101000000_retry.rb");
        deploy(pkg(c1), "gstg-cny");
        String p2 = pkg(c2);
        deploy(p2, "gstg-cny");

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("pending")).body("[0].last_error", startsWith("GitLab answered 500")));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("posted")).body("[0].attempts", equalTo(3)));
    }

    @Test
    void withTheFlagOffNoNoteIsMade() {
        flag(false);
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds", "db/post_migrate/20270101000000_quiet.rb");
        deploy(pkg(c1), "gstg-cny");
        String p2 = pkg(c2);
        deploy(p2, "gstg-cny");
        assertEquals(List.of("db/post_migrate/20270101000000_quiet.rb"), packageOf(p2).getList("post_migrations.files"));
        given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(0));
    }

    @Test
    void badPackagesAndEnvironmentsAreDeadLetteredOrRefusedWithAReason() {
        job("15.1.999-x.y", "gstg-cny", "wait:helm", "success", Map.of());
        assertTrue(KafkaTestClient.header(kafka.awaitRecord("deploys.dlq", WAIT, r -> "15.1.999-x.y".equals(r.key())), "dead-letter-reason")
                .startsWith("field 'package': '15.1.999-x.y' is not an auto-deploy package version"));
        String good = pkg(repository.commit("x"));
        job(good, "staging", "wait:helm", "success", Map.of());
        assertEquals("environment 'staging' is not one of gstg-cny, gstg, gprd-cny, gprd",
                KafkaTestClient.header(kafka.awaitRecord("deploys.dlq", WAIT, r -> good.equals(r.key())), "dead-letter-reason"));

        given().get("/api/packages/nope").then().statusCode(400).body("error", startsWith("'nope' is not an auto-deploy package version"));
        given().get("/api/environments/gprd/rollback-check").then().statusCode(400)
                .body("error", equalTo("give the package to roll back to: ?target=<package version>"));
        given().get("/api/releases/fourteen/post-migrations").then().statusCode(400);
        given().get("/api/post-migrations/never_heard_of.rb").then().statusCode(404);
    }
}
