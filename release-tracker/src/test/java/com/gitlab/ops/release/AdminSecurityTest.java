package com.gitlab.ops.release;

import static io.restassured.RestAssured.given;

import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every /admin endpoint of release-tracker: 401 without valid credentials, 403 without the admin role, answered for an admin. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class AdminSecurityTest {

    @Test
    void adminEndpointsRefuseMissingOrWrongCredentialsAndNonAdmins() {
        calls().forEach((name, call) -> {
            int anonymous = call.apply(given());
            int wrong = call.apply(given().auth().preemptive().basic("admin", "wrong"));
            int viewer = call.apply(given().auth().preemptive().basic("viewer", "test-viewer"));
            int admin = call.apply(given().auth().preemptive().basic("admin", "test-admin"));
            if (anonymous != 401 || wrong != 401 || viewer != 403 || admin == 401 || admin == 403) {
                throw new AssertionError(name + ": expected 401, 401, 403 and an admin let in; got " + anonymous + ", " + wrong + ", " + viewer
                        + ", " + admin);
            }
        });
    }

    private static Map<String, Function<RequestSpecification, Integer>> calls() {
        return Map.of(
                "GET /admin/flags", r -> r.get("/admin/flags").statusCode(),
                "GET /admin/inbox/{id}", r -> r.get("/admin/inbox/{id}", "never-sent").statusCode(),
                "GET /admin/jobs/{id}", r -> r.get("/admin/jobs/{id}", 999_999).statusCode(),
                "POST /admin/dead-letters/deploys/replay", r -> r.contentType(ContentType.JSON).body("{\"from_offset\": 5, \"to_offset\": 2}")
                        .post("/admin/dead-letters/deploys/replay").statusCode());
    }
}
