package com.gitlab.ops.incident.alert;

import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.incident.IncidentServiceTestSupport;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class AlertEventsConsumerTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Test
    void anAlertEventIsAppliedOnceThroughTheRealBroker() {
        long project = IncidentServiceTestSupport.newProject();
        String id = CloudEvents.newId();
        double applied = consumed("applied");
        double duplicates = consumed("duplicate");
        kafka.produceStrings().fromRecords(record("alerts", Long.toString(project), CloudEvents.envelope(id, "alert.updated", Map.of(
                "project_id", project, "alert_iid", 7, "title", "High error rate", "status", "triggered",
                "updated_at", "2026-11-21T10:00:00Z")))).awaitCompletion();
        // The same id again, newer and with another title: applied, it would change the alert.
        kafka.produceStrings().fromRecords(record("alerts", Long.toString(project), CloudEvents.envelope(id, "alert.updated", Map.of(
                "project_id", project, "alert_iid", 7, "title", "Changed", "status", "resolved",
                "updated_at", "2026-11-21T11:00:00Z")))).awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("duplicate") == duplicates + 1);
        assertEquals(applied + 1, consumed("applied"));
        given().get("/api/projects/{p}/alerts/7", project).then().statusCode(200)
                .body("title", equalTo("High error rate")).body("status", equalTo("triggered"));
        given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].topic", equalTo("alerts")).body("[0].event_type", equalTo("alert.updated"));
    }

    private static double consumed(String outcome) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_consumed_total{outcome=\"" + outcome + "\",topic=\"alerts\"}");
    }


    @Test
    void aMalformedEventGoesToTheDeadLetterTopicWithItsReasonAndTheNextOneStillApplies() {
        kafka.produceStrings().fromRecords(record("alerts", "bad-key-1", "this is not json")).awaitCompletion();
        String missingTitle = CloudEvents.envelope(CloudEvents.newId(), "alert.updated", Map.of(
                "project_id", 42, "alert_iid", 8, "status", "triggered", "updated_at", "2026-11-21T10:00:00Z"));
        kafka.produceStrings().fromRecords(record("alerts", "bad-key-2", missingTitle)).awaitCompletion();
        String goodId = CloudEvents.newId();
        kafka.produceStrings().fromRecords(record("alerts", "42", CloudEvents.envelope(goodId, "alert.updated", Map.of(
                "project_id", 42, "alert_iid", 9, "title", "Disk full", "status", "acknowledged",
                "updated_at", "2026-11-21T10:00:00Z")))).awaitCompletion();

        ConsumerRecord<String, String> notJson = KafkaRecords.awaitFirst(kafka, "alerts.dlq", Duration.ofSeconds(30),
                r -> "bad-key-1".equals(r.key()));
        assertEquals("this is not json", notJson.value());
        assertTrue(header(notJson, "dead-letter-reason").startsWith("neither content mode: the value is not JSON"),
                header(notJson, "dead-letter-reason"));

        ConsumerRecord<String, String> noTitle = KafkaRecords.awaitFirst(kafka, "alerts.dlq", Duration.ofSeconds(30),
                r -> "bad-key-2".equals(r.key()));
        assertEquals("field 'title' is required in data", header(noTitle, "dead-letter-reason"));
        assertEquals(missingTitle, noTitle.value());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                .get("/admin/inbox/{id}", goodId).then().statusCode(200));
    }

    @Test
    void adminEndpointsRefuseMissingCredentialsAndNonAdmins() {
        given().get("/admin/inbox/{id}", "x").then().statusCode(401);
        given().auth().basic("admin", "wrong").get("/admin/inbox/{id}", "x").then().statusCode(401);
        given().auth().basic("viewer", "test-viewer").get("/admin/inbox/{id}", "x").then().statusCode(403);
        given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", "never-sent").then().statusCode(404)
                .body("error", containsString("has not been applied"));
    }

    @Test
    void errorsAreJsonSentencesNeverStackTraces() {
        given().get("/api/no-such-endpoint").then().statusCode(404)
                .body("error", equalTo("no such resource; see /q/openapi for the endpoints"));
        given().auth().basic("admin", "test-admin").delete("/admin/inbox/{id}", "x").then().statusCode(405)
                .body("error", equalTo("this method is not allowed on this path; see /q/openapi for the methods it accepts"));
    }

    @Test
    void readinessIsDownWhileKafkaIsUnreachable_andUpAgainWhenItIsBack() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("Kafka broker"));
        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Kafka broker' }.status", equalTo("DOWN")));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            broker.startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP")));
        // Ready can come before the consumers' rebalance ends; the next tests' events would wait for it.
        await().atMost(Duration.ofSeconds(120)).until(() -> broker.groupConsumes("incident-service", "alerts"));
    }

}
