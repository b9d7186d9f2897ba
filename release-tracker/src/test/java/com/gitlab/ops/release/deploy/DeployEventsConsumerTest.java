package com.gitlab.ops.release.deploy;

import static com.gitlab.ops.release.DeployEvents.WAIT;
import static com.gitlab.ops.release.DeployEvents.awaitApplied;
import static com.gitlab.ops.release.DeployEvents.packageOf;
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.release.DeployEvents;
import com.gitlab.ops.release.FakeGitLabResource;
import com.gitlab.ops.release.GitRepositoryResource;
import com.gitlab.ops.testing.CloudEvents;
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

    private static final String FILE = "db/post_migrate/20220201173212_x.rb";

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Test
    void bothEventTypesAreAppliedOnceThroughTheRealBroker() {
        // A package of its own, on an environment other than the reference, so no other test's packages meet it.
        String pkg = DeployEvents.pkg("14.8", "97d6e07c2a1");
        String failed = CloudEvents.newId();
        String failedEvent = CloudEvents.envelope(failed, "deploy.job.finished", Map.of(
                "package", pkg, "environment", "gprd", "job", "wait:helm", "status", "failed",
                "finished_at", "2022-02-08T10:00:00Z", "pipeline_id", 41));
        kafka.produceStrings().fromRecords(record("deploys", pkg, failedEvent)).awaitCompletion();
        String succeeded = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("deploys", pkg, CloudEvents.envelope(succeeded, "deploy.job.finished", Map.of(
                "package", pkg, "environment", "gprd", "job", "wait:helm", "status", "success",
                "finished_at", "2022-02-08T10:30:00Z", "pipeline_id", 42, "post_migrations", List.of(FILE))))).awaitCompletion();
        String executed = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("deploys", pkg, CloudEvents.envelope(executed, "post_migrations.executed", Map.of("package", pkg, "environment", "gprd")))).awaitCompletion();
        awaitApplied(executed);
        double duplicatesBefore = duplicates();
        // The failed job's event again, as a redelivery after a crash would bring it: it must not undo the success.
        kafka.produceStrings().fromRecords(record("deploys", pkg, failedEvent)).awaitCompletion();

        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> duplicates() == duplicatesBefore + 1);
        JsonPath story = packageOf(pkg);
        assertEquals("success", story.getString("environments.gprd.jobs.'wait:helm'.status"));
        assertEquals(42, story.getInt("environments.gprd.jobs.'wait:helm'.pipeline_id"));
        assertEquals(false, story.getBoolean("environments.gprd.deployed"));
        assertEquals("listed", story.getString("post_migrations.state"));
        assertEquals(List.of(FILE), story.getList("post_migrations.files"));
        given().get("/api/post-migrations/{f}", FILE).then().statusCode(200)
                .body("package_version", equalTo(pkg)).body("ran_on", equalTo(List.of("gprd")));
        for (String id : List.of(failed, succeeded, executed)) {
            given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).then().statusCode(200).body("size()", equalTo(1));
        }
    }

    private static double duplicates() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("events_consumed_total{") && l.contains("outcome=\"duplicate\"") && l.contains("topic=\"deploys\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void anUnknownTypeOrAWrongFieldIsDeadLetteredWithItsReason() {
        String pkg = DeployEvents.pkg("14.8", "97d6e07c2a1");
        kafka.produceStrings().fromRecords(record("deploys", "k-type", CloudEvents.envelope(CloudEvents.newId(), "deploy.started", Map.of("package", pkg)))).awaitCompletion();
        kafka.produceStrings().fromRecords(record("deploys", "k-status", CloudEvents.envelope(CloudEvents.newId(), "deploy.job.finished", Map.of(
                "package", pkg, "environment", "gstg", "job", "wait:helm", "status", "done",
                "finished_at", "2022-02-08T10:00:00Z")))).awaitCompletion();

        assertEquals("event type 'deploy.started' is not accepted on topic 'deploys'; expected deploy.job.finished or post_migrations.executed",
                header(KafkaRecords.awaitFirst(kafka, "deploys.dlq", WAIT, r -> "k-type".equals(r.key())), "dead-letter-reason"));
        assertEquals("field 'status' must be one of canceled, failed, success; got \"done\"",
                header(KafkaRecords.awaitFirst(kafka, "deploys.dlq", WAIT, r -> "k-status".equals(r.key())), "dead-letter-reason"));
    }
}
