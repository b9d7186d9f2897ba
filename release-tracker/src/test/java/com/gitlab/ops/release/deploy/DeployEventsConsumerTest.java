package com.gitlab.ops.release.deploy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaTestClient;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "deploys,deploys.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "release"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "post_deploy_migrations_note"))
@WithTestResource(GitRepositoryResource.class)
@WithTestResource(FakeGitLabResource.class)
class DeployEventsConsumerTest {

    private static final String PACKAGE = "14.8.202202080920-97d6e07c2a1.4ce763dbce1";

    private final KafkaTestClient kafka = KafkaTestClient.forSharedBroker();

    @Test
    void bothEventTypesAreAppliedThroughTheRealBroker() {
        String jobId = CloudEvents.newId();
        kafka.send("deploys", PACKAGE, CloudEvents.envelope(jobId, "deploy.job.finished", Map.of(
                "package", PACKAGE, "environment", "gstg-cny", "job", "wait:helm", "status", "success",
                "finished_at", "2022-02-08T10:00:00Z", "post_migrations", List.of("db/post_migrate/20220201173212_x.rb"))));
        String executedId = CloudEvents.newId();
        kafka.send("deploys", PACKAGE, CloudEvents.envelope(executedId, "post_migrations.executed", Map.of(
                "package", PACKAGE, "environment", "gprd")));

        for (String id : List.of(jobId, executedId)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                    .get("/admin/inbox/{id}", id).then().statusCode(200).body("[0].topic", equalTo("deploys")));
        }
    }

    @Test
    void anUnknownTypeOrAWrongFieldIsDeadLetteredWithItsReason() {
        kafka.send("deploys", "k-type", CloudEvents.envelope(CloudEvents.newId(), "deploy.started", Map.of("package", PACKAGE)));
        kafka.send("deploys", "k-status", CloudEvents.envelope(CloudEvents.newId(), "deploy.job.finished", Map.of(
                "package", PACKAGE, "environment", "gstg", "job", "wait:helm", "status", "done",
                "finished_at", "2022-02-08T10:00:00Z")));

        assertEquals("event type 'deploy.started' is not accepted on topic 'deploys'; expected deploy.job.finished or post_migrations.executed",
                KafkaTestClient.header(kafka.awaitRecord("deploys.dlq", Duration.ofSeconds(30), r -> "k-type".equals(r.key())),
                        "dead-letter-reason"));
        assertEquals("field 'status' must be one of canceled, failed, success; got \"done\"",
                KafkaTestClient.header(kafka.awaitRecord("deploys.dlq", Duration.ofSeconds(30), r -> "k-status".equals(r.key())),
                        "dead-letter-reason"));
    }
}
