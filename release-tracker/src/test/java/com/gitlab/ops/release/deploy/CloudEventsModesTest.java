package com.gitlab.ops.release.deploy;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.awaitApplied;
import static com.gitlab.ops.release.DeployEvents.packageOf;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.CloudEventsSdk;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServerResource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deploy events from a producer using the official CloudEvents SDK, in both content modes. The
 * tracker publishes no events; the binding's invalid cases are in BadEventsTest.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class CloudEventsModesTest {

    private final CloudEventsSdk sdk = CloudEventsSdk.forSharedBroker();

    @Test
    void deployEventsSerializedByTheSdkApplyInEitherMode() {
        // Packages of their own, on an environment other than the reference, so no other test's packages meet them.
        String binary = DeployEvents.pkg("14.9", "97d6e07c2a1");
        String structured = DeployEvents.pkg("14.9", "97d6e07c2a1");
        String defaults = DeployEvents.pkg("14.9", "97d6e07c2a1");
        sdk.send("deploys", binary, job(CloudEvents.newId(), binary, "success", 1), Encoding.BINARY);
        sdk.send("deploys", structured, job(CloudEvents.newId(), structured, "success", 2), Encoding.STRUCTURED);
        String last = CloudEvents.newId();
        sdk.sendWithDefaults("deploys", defaults, CloudEventsSdk.eventWithoutContentType(last, "deploy.job.finished",
                data(defaults, "success", 3)));
        awaitApplied(last);

        for (String pkg : new String[] {binary, structured, defaults}) {
            await().atMost(WAIT).untilAsserted(() -> assertEquals("success", packageOf(pkg).getString("environments.gprd.jobs.'wait:helm'.status")));
        }
    }

    @Test
    void anEventIdSentInBothModesAppliesOnce() {
        String pkg = DeployEvents.pkg("14.9", "97d6e07c2a1");
        String id = CloudEvents.newId();
        double applied = consumed("applied");
        double duplicates = consumed("duplicate");
        sdk.send("deploys", pkg, job(id, pkg, "failed", 41), Encoding.STRUCTURED);
        awaitApplied(id);
        // A later success: applied, it would change the job; the id alone must stop it.
        sdk.send("deploys", pkg, job(id, pkg, "success", 42), Encoding.BINARY);
        await().atMost(WAIT).until(() -> consumed("duplicate") == duplicates + 1);

        assertEquals(applied + 1, consumed("applied"));
        assertEquals("failed", packageOf(pkg).getString("environments.gprd.jobs.'wait:helm'.status"));
        assertEquals(41, packageOf(pkg).getInt("environments.gprd.jobs.'wait:helm'.pipeline_id"));
    }

    private static CloudEvent job(String id, String pkg, String status, int pipeline) {
        return CloudEventsSdk.event(id, "deploy.job.finished", data(pkg, status, pipeline));
    }

    private static Map<String, Object> data(String pkg, String status, int pipeline) {
        return Map.of("package", pkg, "environment", "gprd", "job", "wait:helm", "status", status,
                "finished_at", "2022-02-08T10:" + (10 + pipeline % 40) + ":00Z", "pipeline_id", pipeline);
    }

    private static double consumed(String outcome) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_consumed_total{outcome=\"" + outcome + "\",topic=\"deploys\"}");
    }
}
