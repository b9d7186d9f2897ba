package com.gitlab.ops.release.environment;

import static com.gitlab.ops.release.DeployEvents.resolved;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** An environment's deployments and rollback boundary, through a rollback: what the dashboard is built on. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class EnvironmentApiTest {

    @ConfigProperty(name = "release-tracker.git-repository")
    String repositoryPath;

    @Inject
    EntityManager em;

    private final DeployEvents events = new DeployEvents();

    @Test
    void theBoundaryFollowsWhatRunsNow_aRolledBackPackageIncluded() {
        DeployEvents.reset(em);
        String file = "db/post_migrate/20230501120000_remove_legacy_column.rb";
        String p1;
        String p2;
        String p3;
        try (TestGitRepository repository = TestGitRepository.open(repositoryPath)) {
            p1 = DeployEvents.pkg("16.3", repository.commit("base", "app/a.rb"));
            p2 = DeployEvents.pkg("16.3", repository.commit("remove the column", file));
            p3 = DeployEvents.pkg("16.3", repository.commit("later", "app/b.rb"));
        }
        for (String pkg : List.of(p1, p2, p3)) {
            events.deploy(pkg, "gstg-cny");
            resolved(pkg);
            events.deploy(pkg, "gprd");
        }
        events.postMigrationsRan(p2, "gprd");

        JsonPath deployments = given().get("/api/environments/gprd/deployments").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(p3, p2, p1), deployments.getList("package_version"));
        assertEquals(List.of(true, false, false), deployments.getList("current"));
        JsonPath boundary = given().get("/api/environments/gprd/rollback-boundary").then().statusCode(200).extract().jsonPath();
        assertEquals(p3, boundary.getString("current"));
        assertEquals(p2, boundary.getString("boundary"), "back to p2 is safe: its own post-migration stays");
        assertEquals(p1, boundary.getString("stopped_at"));
        assertEquals(file, boundary.getString("stopped_because.blocking[0].path"));
        assertEquals(p2, boundary.getString("stopped_because.blocking[0].package_version"));

        // Rolled back to p2: it runs there now, and only older packages are candidates.
        events.deploy(p2, "gprd");
        deployments = given().get("/api/environments/gprd/deployments?limit=2").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(p2, p3), deployments.getList("package_version"));
        assertEquals(true, deployments.getBoolean("[0].current"));
        boundary = given().get("/api/environments/gprd/rollback-boundary").then().statusCode(200).extract().jsonPath();
        assertEquals(p2, boundary.getString("current"));
        assertEquals(null, boundary.getString("boundary"), "not even p1: p2's post-migration has run");
        assertEquals(p1, boundary.getString("stopped_at"));

        given().get("/api/environments/gprd-cny/rollback-boundary").then().statusCode(200)
                .body("current", org.hamcrest.Matchers.nullValue());
        given().get("/api/environments/production/deployments").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.startsWith("environment 'production' is not one of"));
    }
}
