package com.gitlab.ops.release.source;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.resolved;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The GitLab source given as a URL, cloned and fetched like a remote. While it cannot be fetched,
 * the partition goes on, the package is an error with its reason (never an empty list), the rollback
 * check says it does not know, and the failures are counted; once it is back, the package is
 * worked out in the background without anyone's help.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(value = GitRepositoryResource.class, initArgs = @ResourceArg(name = "remote", value = "true"))
@WithTestResource(FakeGitLabResource.class)
class UnreachableRepositoryTest {

    @ConfigProperty(name = GitRepositoryResource.PATH_PROPERTY)
    String repositoryPath;

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryUrl;

    private final DeployEvents events = new DeployEvents();

    @Test
    void aRepositoryThatCannotBeFetchedLeavesThePackageUnknownAndThePartitionFlowing() throws Exception {
        String c1;
        String c2;
        try (TestGitRepository repository = TestGitRepository.open(repositoryPath)) {
            c1 = repository.commit("base");
            c2 = repository.commit("adds one", "db/post_migrate/20220401000000_first.rb");
        }
        String p1 = DeployEvents.pkg("16.1", c1);
        String p2 = DeployEvents.pkg("16.1", c2);
        events.deploy(p1, "gstg-cny");
        events.deploy(p2, "gstg-cny");
        assertEquals(List.of("db/post_migrate/20220401000000_first.rb"), resolved(p2).getList("post_migrations.files"));
        double failuresBefore = fetchFailures();

        // New work lands on the remote, then the remote becomes unreachable.
        String p3;
        try (TestGitRepository repository = TestGitRepository.open(repositoryPath)) {
            p3 = DeployEvents.pkg("16.1", repository.commit("adds another", "db/post_migrate/20220402000000_second.rb"));
        }
        Path away = Path.of(repositoryPath + "-away");
        Files.move(Path.of(repositoryPath), away);
        try {
            events.deploy(p3, "gstg-cny");
            // The partition keeps flowing: later events on it are applied while p3 cannot be worked out.
            events.postMigrationsRan(p2, "gstg-cny");
            events.deploy(p2, "gprd");

            assertEquals("error", resolved(p3).getString("post_migrations.state"));
            assertTrue(resolved(p3).getString("post_migrations.error").startsWith("fetching " + repositoryUrl + " failed"), resolved(p3).getString("post_migrations.error"));
            given().get("/api/environments/gstg-cny/rollback-check?target={t}", p2).then().statusCode(200)
                    .body("safe", equalTo(false)).body("blocking.size()", equalTo(0))
                    .body("unknown.package_version", equalTo(List.of(p3)))
                    .body("unknown[0].reason", startsWith("its post-migrations could not be worked out: fetching "));
            await().atMost(WAIT).until(() -> fetchFailures() > failuresBefore);
            await().atMost(WAIT).untilAsserted(() -> given().get("/q/metrics").then()
                    .body(org.hamcrest.Matchers.containsString("release_tracker_packages{state=\"error\"} 1.0")));
        } finally {
            Files.move(away, Path.of(repositoryPath));
        }

        // Back: retried in the background, worked out, and the rollback check knows again.
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/packages/{p}", p3).then().body("post_migrations.state", equalTo("computed"))
                .body("post_migrations.files", equalTo(List.of("db/post_migrate/20220402000000_second.rb"))));
        given().get("/api/environments/gstg-cny/rollback-check?target={t}", p2).then()
                .body("safe", equalTo(true)).body("unknown.size()", equalTo(0));
    }

    private static double fetchFailures() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("release_tracker_repository_fetch_failures_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
