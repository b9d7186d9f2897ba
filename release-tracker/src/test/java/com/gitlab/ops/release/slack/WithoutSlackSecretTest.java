package com.gitlab.ops.release.slack;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The release-tracker as deployed without a Slack app and with API_AUTH=authenticated: the Slack
 * endpoint does not exist, and the dashboard asks for the same credentials as /api.
 */
@QuarkusTest
@TestProfile(WithoutSlackSecretTest.NoSlackAuthenticatedApi.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class WithoutSlackSecretTest {

    public static class NoSlackAuthenticatedApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // An empty value is no value: as SLACK_SIGNING_SECRET unset.
            return Map.of("release-tracker.slack-signing-secret", "", "quarkus.http.auth.permission.api.policy", "authenticated");
        }
    }

    @Test
    void withoutASigningSecretTheSlackEndpointDoesNotExist() {
        String now = Long.toString(Instant.now().getEpochSecond());
        // Even a request signed with the secret the other tests use: there is nothing here to answer it.
        given().header("X-Slack-Request-Timestamp", now)
                .header("X-Slack-Signature", SlackSignature.sign("test-slack-signing-secret", now, "text=help".getBytes(StandardCharsets.UTF_8)))
                .formParam("text", "help").post("/slack/commands")
                .then().statusCode(404).body("error", containsString("set SLACK_SIGNING_SECRET"));
    }

    @Test
    void theDashboardAsksForTheSameCredentialsAsTheApi() {
        given().get("/dashboard").then().statusCode(401);
        given().get("/dashboard/panels").then().statusCode(401);
        given().get("/api/environments/gprd/deployments").then().statusCode(401);
        given().auth().preemptive().basic("viewer", "test-viewer").get("/dashboard").then().statusCode(200)
                .body(containsString("<h1>Release dashboard</h1>"));
        given().auth().preemptive().basic("viewer", "test-viewer").get("/api/environments/gprd/deployments").then().statusCode(200)
                .body("size()", equalTo(0));
    }
}
