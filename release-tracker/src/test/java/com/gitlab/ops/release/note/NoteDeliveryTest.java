package com.gitlab.ops.release.note;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.resolved;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.release.TestGitRepository;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A note reaches the release issue once, however the call to GitLab goes: the record step failing
 * after GitLab took the note (as a crash between the two would), or GitLab answering later than the
 * transaction timeout, or later than the client waits. This application's transactions time out
 * after 2 s and its GitLab client after 4 s.
 */
@QuarkusTest
@TestProfile(NoteDeliveryTest.ShortTimeouts.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class NoteDeliveryTest {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.transaction-manager.default-transaction-timeout", "2s", "release-tracker.gitlab-timeout", "4s");
        }
    }

    private static final AtomicInteger RELEASES = new AtomicInteger(80);

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @ConfigProperty(name = "release-tracker.gitlab-url")
    String gitlabUrl;

    @Inject
    FeatureFlagService flags;

    @Inject
    EntityManager em;

    private final DeployEvents events = new DeployEvents();
    private String release;

    @BeforeEach
    void setUp() {
        DeployEvents.reset(em);
        release = "15." + RELEASES.incrementAndGet();
        DeployEvents.noteFlag(flags, true);
    }

    @AfterEach
    void tearDown() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DROP TRIGGER IF EXISTS fail_note_record ON release_note").executeUpdate());
        DeployEvents.noteFlag(flags, false);
    }

    @Test
    void aNotePostedWhoseRecordFailedIsFoundByItsMarkerAndNotPostedAgain() {
        // The record step fails after GitLab took the note, as a crash between the two would leave it.
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    CREATE OR REPLACE FUNCTION fail_note_record() RETURNS trigger AS $$
                    BEGIN
                      IF NEW.state = 'posted' THEN RAISE EXCEPTION 'injected: the record step failed after the post'; END IF;
                      RETURN NEW;
                    END $$ LANGUAGE plpgsql""").executeUpdate();
            em.createNativeQuery("""
                    CREATE TRIGGER fail_note_record BEFORE UPDATE ON release_note FOR EACH ROW EXECUTE FUNCTION fail_note_record()""")
                    .executeUpdate();
        });
        String p2 = deployPackageWithAPostMigration();
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("pending")).body("[0].last_error", containsString("injected: the record step failed after the post"))
                .body("[0].attempts", org.hamcrest.Matchers.greaterThanOrEqualTo(1)));
        // However many times the record step failed meanwhile, each retry found the note by its marker.
        assertEquals(1, FakeGitLabResource.notesOf(gitlabUrl, p2).size(), "GitLab has the note once");

        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DROP TRIGGER fail_note_record ON release_note").executeUpdate());
        assertPostedOnce(p2);
    }

    @Test
    void aGitLabSlowerThanTheTransactionTimeoutGetsTheNoteOnce() {
        FakeGitLabResource.tell(gitlabUrl, "/__slow?ms=3000&times=1");
        String p2 = deployPackageWithAPostMigration();
        assertPostedOnce(p2);
        given().get("/api/releases/{r}/notes", release).then().body("[0].attempts", equalTo(1));
    }

    @Test
    void aGitLabSlowerThanItsClientWaitsGetsTheNoteOnce() {
        FakeGitLabResource.tell(gitlabUrl, "/__slow?ms=6000&times=1");
        String p2 = deployPackageWithAPostMigration();
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("[0].state", equalTo("pending")).body("[0].last_error", allOf(startsWith("GitLab did not answer "), endsWith(" within 4s (RELEASE_TRACKER_GITLAB_TIMEOUT)"))));
        assertPostedOnce(p2);
        given().get("/api/releases/{r}/notes", release).then().body("[0].attempts", equalTo(2));
    }

    private String deployPackageWithAPostMigration() {
        String p1;
        String p2;
        try (TestGitRepository repository = TestGitRepository.open(repositoryPath)) {
            p1 = DeployEvents.pkg(release, repository.commit("base"));
            p2 = DeployEvents.pkg(release, repository.commit("adds", "db/post_migrate/20260501000000_" + release.replace('.', '_') + ".rb"));
        }
        events.deploy(p1, "gstg-cny");
        events.deploy(p2, "gstg-cny");
        resolved(p2);
        return p2;
    }

    /** The note is recorded as posted, with the id of the one note GitLab has for the package. */
    private void assertPostedOnce(String pkg) {
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                .body("size()", equalTo(1)).body("[0].state", equalTo("posted")));
        List<Map<String, Object>> onGitLab = FakeGitLabResource.notesOf(gitlabUrl, pkg);
        assertEquals(1, onGitLab.size(), "one note on GitLab: " + onGitLab);
        given().get("/api/releases/{r}/notes", release).then()
                .body("[0].gitlab_note_id", equalTo(((Number) onGitLab.get(0).get("id")).intValue()));
    }
}
