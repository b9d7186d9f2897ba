package com.gitlab.ops.release;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.awaitApplied;
import static com.gitlab.ops.release.DeployEvents.packageOf;
import static com.gitlab.ops.release.DeployEvents.resolved;
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
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
class ReleaseTrackerTest {

    // Each test's packages get their own release, so notes and lists never meet; each test starts
    // from empty tables, since which package was deployed "before" is global.
    private static final AtomicInteger RELEASES = new AtomicInteger(20);

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @ConfigProperty(name = "release-tracker.gitlab-url")
    String gitlabUrl;

    @Inject
    FeatureFlagService flags;

    @Inject
    EntityManager em;

    @InjectKafkaCompanion
    KafkaCompanion kafka;
    private final DeployEvents events = new DeployEvents();
    private TestGitRepository repository;
    private String release;

    @BeforeEach
    void setUp() {
        DeployEvents.reset(em);
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
        DeployEvents.noteFlag(flags, on);
    }

    private String pkg(String gitlabCommit) {
        return DeployEvents.pkg(release, gitlabCommit);
    }

    private String job(String pkg, String environment, String job, String status, Map<String, Object> extra) {
        return events.job(pkg, environment, job, status, extra);
    }

    private void deploy(String pkg, String environment) {
        events.deploy(pkg, environment);
    }

    @Test
    void aPackageIntroducesThePostMigrationsAddedSinceThePreviousOneAndTheNoteIsPostedOnce() {
        String c1 = repository.commit("base", "app/models/user.rb", "db/post_migrate/20220101000000_old.rb");
        String c2 = repository.commit("feature", "db/post_migrate/20220201141705_cleanup_background_migration.rb",
                "db/post_migrate/20220201173212_add_user_details_provisioning_index.rb", "db/migrate/20220201000000_regular.rb",
                "app/services/thing.rb");
        String first = pkg(c1);
        String second = pkg(c2);

        deploy(first, "gstg-cny");
        assertEquals("baseline", resolved(first).getString("post_migrations.state"));
        assertEquals(List.of(), packageOf(first).getList("post_migrations.files"));

        // Jobs in either order: helm first here; a failed job on the way is recorded.
        job(second, "gstg-cny", "wait:helm", "failed", Map.of());
        awaitApplied(job(second, "gstg-cny", "wait:helm", "success", Map.of("pipeline_id", 77)));
        assertEquals(false, packageOf(second).getBoolean("environments.'gstg-cny'.deployed"));
        deploy(second, "gstg-cny");

        JsonPath story = resolved(second);
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
                + "- `db/post_migrate/20220201173212_add_user_details_provisioning_index.rb`\n"
                + "\n<!-- release-tracker package " + second + " -->\n";
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("size()", equalTo(1)).body("[0].state", equalTo("posted")).body("[0].body", equalTo(expected)));

        // The same deployment again: no second note.
        deploy(second, "gstg-cny");
        given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(1));
        List<Map<String, Object>> onGitLab = FakeGitLabResource.notesOf(gitlabUrl, second);
        assertEquals(1, onGitLab.size(), "one note on GitLab: " + onGitLab);
        assertEquals(101, ((Number) onGitLab.get(0).get("issue_iid")).intValue(), "on the release issue, found on the search's second page");
        assertEquals(FakeGitLabResource.TOKEN, onGitLab.get(0).get("token"));
        assertEquals(expected, onGitLab.get(0).get("body"));
        given().get("/api/releases/{r}/notes", release).then()
                .body("[0].gitlab_note_id", equalTo(((Number) onGitLab.get(0).get("id")).intValue()));
    }

    @Test
    void aRollbackPastAPostMigrationThatRanIsUnsafe() {
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds one", "db/post_migrate/20230101000000_drop_column.rb");
        String c3 = repository.commit("adds nothing post-deploy", "app/x.rb");
        String p1 = pkg(c1);
        String p2 = pkg(c2);
        String p3 = pkg(c3);
        for (String p : List.of(p1, p2, p3)) {
            deploy(p, "gstg-cny");
            resolved(p);
            deploy(p, "gprd");
        }
        deploy(p1, "gstg");

        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then().statusCode(200)
                .body("safe", equalTo(true)).body("blocking.size()", equalTo(0)).body("unknown.size()", equalTo(0));

        events.postMigrationsRan(p3, "gprd");

        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then().statusCode(200)
                .body("safe", equalTo(false))
                .body("blocking[0].path", equalTo("db/post_migrate/20230101000000_drop_column.rb"))
                .body("blocking[0].package_version", equalTo(p2))
                .body("unknown.size()", equalTo(0));
        given().get("/api/environments/gprd/rollback-check?target={t}", p2).then().body("safe", equalTo(true));
        given().get("/api/environments/gstg/rollback-check?target={t}", p1).then().body("safe", equalTo(true));
        given().get("/api/post-migrations/20230101000000_drop_column.rb").then().body("ran_on", equalTo(List.of("gprd")));
    }

    @Test
    void aRollbackTheTrackerCannotVouchForIsNeverSafe() {
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds nothing post-deploy", "app/y.rb");
        String p1 = pkg(c1);
        String p2 = pkg(c2);
        String p3 = pkg("00000000bad"); // not in the repository: its post-migrations cannot be worked out
        deploy(p1, "gstg-cny");
        deploy(p2, "gstg-cny");
        resolved(p2);

        // A target never deployed there, or never seen at all: unknown, not safe.
        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then().statusCode(200)
                .body("safe", equalTo(false)).body("blocking.size()", equalTo(0))
                .body("unknown[0].package_version", equalTo(p1))
                .body("unknown[0].reason", equalTo("never deployed to gprd as far as the tracker knows"));
        String never = pkg(c1);
        given().get("/api/environments/gstg-cny/rollback-check?target={t}", never).then()
                .body("safe", equalTo(false)).body("unknown[0].reason", equalTo("the tracker has seen no deploy event for this package"));
        given().get("/api/environments/gstg-cny/rollback-check?target={t}", p1).then().body("safe", equalTo(true));

        // A later package whose post-migrations could not be worked out: unknown, with the reason.
        deploy(p3, "gstg-cny");
        assertEquals("error", resolved(p3).getString("post_migrations.state"));
        given().get("/api/environments/gstg-cny/rollback-check?target={t}", p1).then()
                .body("safe", equalTo(false)).body("blocking.size()", equalTo(0))
                .body("unknown.package_version", equalTo(List.of(p3)))
                .body("unknown[0].reason", startsWith("its post-migrations could not be worked out: commit 00000000bad is not in the GitLab repository"));
        // Rolling back to the unknown package itself is another matter: nothing came after it.
        given().get("/api/environments/gstg-cny/rollback-check?target={t}", p3).then().body("safe", equalTo(true));

        // A package deployed to gprd without passing the reference environment: what it brings is not known.
        deploy(p1, "gprd");
        String hotfix = pkg(repository.commit("hotfix", "db/post_migrate/20230601000000_hotfix.rb"));
        deploy(hotfix, "gprd");
        given().get("/api/environments/gprd/rollback-check?target={t}", p1).then()
                .body("safe", equalTo(false)).body("unknown.package_version", equalTo(List.of(hotfix)))
                .body("unknown[0].reason", equalTo("never deployed to gstg-cny, where post-migrations are worked out"));
    }

    @Test
    void aCommitIsFoundInThePackagesThatContainItAndOnTheEnvironmentsThatRunThem() {
        String c1 = repository.commit("base");
        String fix = repository.commit("the fix", "app/fix.rb");
        String c3 = repository.commit("later", "app/later.rb");
        String p1 = pkg(c1);
        String p2 = pkg(fix);
        String p3 = pkg(c3);
        deploy(p1, "gstg-cny");
        deploy(p2, "gstg-cny");
        deploy(p3, "gstg-cny");
        deploy(p1, "gprd");
        deploy(p3, "gstg");

        String full = given().get("/api/commits/{sha}", fix).then().statusCode(200)
                .body("first_package.package_version", equalTo(p2))
                .body("environments.'gstg-cny'.package_version", equalTo(p3))
                .body("environments.'gstg-cny'.contains", equalTo(true))
                .body("environments.gstg.contains", equalTo(true))
                .body("environments.gprd.package_version", equalTo(p1))
                .body("environments.gprd.contains", equalTo(false))
                .body("environments.'gprd-cny'.package_version", nullValue())
                .body("environments.'gprd-cny'.contains", equalTo(false))
                .extract().path("sha");
        assertTrue(full.startsWith(fix) && full.length() == 40, full);
        given().get("/api/commits/{sha}", full.toUpperCase()).then().statusCode(200).body("first_package.package_version", equalTo(p2));
        given().get("/api/commits/{sha}", fix.substring(0, 7)).then().statusCode(200).body("sha", equalTo(full));

        // gprd moves on to p3: what runs there now has the fix.
        deploy(p3, "gprd");
        given().get("/api/commits/{sha}", fix).then().body("environments.gprd.package_version", equalTo(p3))
                .body("environments.gprd.contains", equalTo(true));
        // ... and back to p1, a rollback: what runs there now is p1 again.
        job(p1, "gprd", "wait:omnibus", "success", Map.of());
        awaitApplied(job(p1, "gprd", "wait:helm", "success", Map.of()));
        given().get("/api/commits/{sha}", fix).then().body("environments.gprd.package_version", equalTo(p1))
                .body("environments.gprd.contains", equalTo(false));

        String later = repository.commit("not in any package yet");
        given().get("/api/commits/{sha}", later).then().statusCode(200).body("first_package", nullValue())
                .body("environments.gstg.contains", equalTo(false));

        given().get("/api/commits/{sha}", "12345").then().statusCode(400)
                .body("error", equalTo("'12345' is not a commit sha: give 7 to 40 hexadecimal digits, e.g. 97d6e07c2a1"));
        given().get("/api/commits/{sha}", "not-a-sha!").then().statusCode(400);
        given().get("/api/commits/{sha}", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef").then().statusCode(404)
                .body("error", equalTo("commit deadbeefdeadbeefdeadbeefdeadbeefdeadbeef is not in the GitLab repository"));
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

            JsonPath story = resolved(p2);
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

        assertEquals("listed", resolved(p2).getString("post_migrations.state"));
        assertEquals(List.of("db/post_migrate/20250101000000_listed.rb"), packageOf(p2).getList("post_migrations.files"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(1)));
    }

    @Test
    void aNoteGitLabRefusesStaysPendingWithItsErrorAndIsRetriedUntilItLands() {
        FakeGitLabResource.tell(gitlabUrl, "/__fail?times=2");
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds", "db/post_migrate/20260101000000_retry.rb");
        deploy(pkg(c1), "gstg-cny");
        String p2 = pkg(c2);
        deploy(p2, "gstg-cny");

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("pending")).body("[0].last_error", startsWith("GitLab answered 500")));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("posted")).body("[0].attempts", equalTo(3)));
        assertEquals(1, FakeGitLabResource.notesOf(gitlabUrl, p2).size());
    }

    @Test
    void withTheFlagOffNoNoteIsMade() {
        flag(false);
        String c1 = repository.commit("base");
        String c2 = repository.commit("adds", "db/post_migrate/20270101000000_quiet.rb");
        deploy(pkg(c1), "gstg-cny");
        String p2 = pkg(c2);
        deploy(p2, "gstg-cny");
        assertEquals(List.of("db/post_migrate/20270101000000_quiet.rb"), resolved(p2).getList("post_migrations.files"));
        given().get("/api/releases/{r}/notes", release).then().body("size()", equalTo(0));
    }

    @Test
    void badPackagesAndEnvironmentsAreDeadLetteredOrRefusedWithAReason() {
        job("15.1.999-x.y", "gstg-cny", "wait:helm", "success", Map.of());
        assertTrue(header(KafkaRecords.awaitFirst(kafka, "deploys.dlq", WAIT, r -> "15.1.999-x.y".equals(r.key())), "dead-letter-reason")
                .startsWith("field 'package': '15.1.999-x.y' is not an auto-deploy package version"));
        String good = pkg(repository.commit("x"));
        job(good, "staging", "wait:helm", "success", Map.of());
        assertEquals("environment 'staging' is not one of gstg-cny, gstg, gprd-cny, gprd",
                header(KafkaRecords.awaitFirst(kafka, "deploys.dlq", WAIT, r -> good.equals(r.key())), "dead-letter-reason"));

        given().get("/api/packages/nope").then().statusCode(400).body("error", startsWith("'nope' is not an auto-deploy package version"));
        given().get("/api/environments/gprd/rollback-check").then().statusCode(400)
                .body("error", equalTo("give the package to roll back to: ?target=<package version>"));
        given().get("/api/releases/fourteen/post-migrations").then().statusCode(400);
        given().get("/api/post-migrations/never_heard_of.rb").then().statusCode(404);
    }
}
