package com.gitlab.ops.release.migration;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.packageOf;
import static com.gitlab.ops.release.DeployEvents.resolved;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.release.TestGitRepository;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attribution follows the packages' build order, whatever order their deploy events arrive in. P1
 * (the baseline), P2 adds A, P3 adds B; each order below must end the same: A introduced by P2, B by
 * P3, and one note each on GitLab saying so, a note that said otherwise corrected by an edit.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class OutOfOrderDeliveryTest {

    private static final AtomicInteger RELEASES = new AtomicInteger(60);

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @ConfigProperty(name = "release-tracker.gitlab-url")
    String gitlabUrl;

    @Inject
    FeatureFlagService flags;

    @Inject
    EntityManager em;

    private final DeployEvents events = new DeployEvents();

    @BeforeEach
    void setUp() {
        DeployEvents.reset(em);
        DeployEvents.noteFlag(flags, true);
    }

    @AfterEach
    void tearDown() {
        DeployEvents.noteFlag(flags, false);
    }

    /**
     * "132": the middle package arrives last (P3 first takes A and B, then gives A to P2);
     * "231": the oldest arrives last, older than the baseline seen so far;
     * "321": every package arrives after the one built after it.
     */
    @ParameterizedTest(name = "delivered in the order P{0}")
    @ValueSource(strings = {"123", "132", "231", "321"})
    void attributionAndNotesFollowTheBuildOrder(String order) {
        Run run = new Run(order);
        for (char p : order.toCharArray()) {
            events.deploy(run.pkg(p), "gstg-cny");
            resolved(run.pkg(p));
        }
        run.assertAttributedByBuildOrder();
        Map<String, Object> p3Note = FakeGitLabResource.notesOf(gitlabUrl, run.p3).get(0);
        if (order.equals("132")) {
            // P3 was noted with A and B before P2 arrived: its note was edited, saying what moved and why.
            assertEquals(1, p3Note.get("edits"));
            String body = (String) p3Note.get("body");
            assertTrue(body.contains("`" + run.a + "` moved to `" + run.p2 + "`, built before this package"), body);
            assertTrue(body.contains("Packages are ordered by build time, whatever order their deployments to gstg-cny were seen in."), body);
            given().get("/api/releases/{r}/notes", run.release).then()
                    .body("find { it.package_version == '" + run.p3 + "' }.body", equalTo(body))
                    .body("find { it.package_version == '" + run.p3 + "' }.corrected_at", notNullValue());
        } else {
            assertEquals(0, p3Note.get("edits"), "no correction was needed: " + p3Note);
        }
    }

    /** The three packages' jobs all at once, newest first, so that packages are worked out while others arrive. */
    @Test
    void aBurstInReverseOrderEndsTheSame() {
        Run run = new Run("321");
        List<String> ids = new java.util.ArrayList<>();
        for (char p : run.order.toCharArray()) {
            ids.add(events.job(run.pkg(p), "gstg-cny", "wait:omnibus", "success", Map.of()));
            ids.add(events.job(run.pkg(p), "gstg-cny", "wait:helm", "success", Map.of()));
        }
        ids.forEach(DeployEvents::awaitApplied);
        run.assertAttributedByBuildOrder();
    }

    /** One run's repository commits and packages: P1 the base, P2 adds A, P3 adds B; files of its own, as the repository is shared. */
    private final class Run {
        final String order;
        final String release = "15." + RELEASES.incrementAndGet();
        final String a;
        final String b;
        final String p1;
        final String p2;
        final String p3;

        Run(String order) {
            this.order = order;
            a = "db/post_migrate/20220301000000_add_index_a_" + release.replace('.', '_') + ".rb";
            b = "db/post_migrate/20220302000000_remove_column_b_" + release.replace('.', '_') + ".rb";
            try (TestGitRepository repository = TestGitRepository.open(repositoryPath)) {
                p1 = DeployEvents.pkg(release, repository.commit("base", "db/post_migrate/20220101000000_older.rb"));
                p2 = DeployEvents.pkg(release, repository.commit("adds A", a));
                p3 = DeployEvents.pkg(release, repository.commit("adds B", b));
            }
        }

        String pkg(char which) {
            return switch (which) {
                case '1' -> p1;
                case '2' -> p2;
                default -> p3;
            };
        }

        /** A introduced by P2 and B by P3 through every interface, and one note each on GitLab saying so; none for the baseline. */
        void assertAttributedByBuildOrder() {
            await().atMost(WAIT).untilAsserted(() -> {
                assertEquals("baseline", packageOf(p1).getString("post_migrations.state"));
                assertEquals("computed", packageOf(p2).getString("post_migrations.state"));
                assertEquals("computed", packageOf(p3).getString("post_migrations.state"));
            });
            assertEquals(List.of(), packageOf(p1).getList("post_migrations.files"));
            assertEquals(List.of(a), packageOf(p2).getList("post_migrations.files"));
            assertEquals(List.of(b), packageOf(p3).getList("post_migrations.files"));
            assertEquals(p1, packageOf(p2).getString("post_migrations.compared_with"));
            assertEquals(p2, packageOf(p3).getString("post_migrations.compared_with"));
            given().get("/api/post-migrations/{f}", a).then().statusCode(200).body("package_version", equalTo(p2));
            given().get("/api/post-migrations/{f}", b).then().statusCode(200).body("package_version", equalTo(p3));
            given().get("/api/releases/{r}/post-migrations", release).then()
                    .body("package_version", equalTo(List.of(p2, p3))).body("files", equalTo(List.of(List.of(a), List.of(b))));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/releases/{r}/notes", release).then()
                    .body("package_version", containsInAnyOrder(p2, p3)).body("state", equalTo(List.of("posted", "posted"))));
            assertNote(p2, List.of(a));
            assertNote(p3, List.of(b));
            assertTrue(FakeGitLabResource.notesOf(gitlabUrl, p1).isEmpty(), "the baseline has no note");
        }
    }

    /** One note on GitLab for the package, listing exactly these files. */
    private void assertNote(String pkg, List<String> files) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> notes = FakeGitLabResource.notesOf(gitlabUrl, pkg);
            assertEquals(1, notes.size(), "one note for " + pkg + ": " + notes);
            String body = (String) notes.get(0).get("body");
            String listed = body.lines().filter(l -> l.startsWith("- `")).map(l -> l.substring(3, l.length() - 1)).toList().toString();
            assertEquals(files.toString(), listed, body);
        });
    }
}
