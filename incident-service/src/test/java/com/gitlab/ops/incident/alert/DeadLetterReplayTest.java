package com.gitlab.ops.incident.alert;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.createIncident;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.sendAlert;
import static com.gitlab.ops.testing.KafkaRecords.header;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.CloudEventsSdk;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.KafkaRecords;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Dead letters are not the end: once the cause is fixed, the admin replays them. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class DeadLetterReplayTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAlertNamingAnIncidentNotCreatedYetAppliesOnceReplayedAfterTheIncidentExists() {
        long project = newProject();
        String key = Long.toString(project);
        sendAlert(project, 1, "acknowledged", "2026-11-21T10:00:00Z", Map.of("incident_iid", 1));
        KafkaRecords.awaitFirst(kafka, "alerts.dlq", WAIT, r -> key.equals(r.key()));
        given().get("/api/projects/{p}/alerts/1", project).then().statusCode(404);

        long iid = createIncident(project); // the cause, fixed
        long deadLetters = KafkaRecords.size(kafka, "alerts.dlq");
        // A background job: the request answers at once, the progress is at /admin/jobs/{id}.
        int job = given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/admin/dead-letters/alerts/replay")
                .then().statusCode(202).header("Location", containsString("/admin/jobs/")).body("kind", equalTo("dead_letter_replay"))
                .body("from", equalTo("alerts.dlq")).extract().path("id");
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/jobs/{id}", job).then()
                .statusCode(200).body("state", equalTo("done")).body("replayed", equalTo(1))
                .body("skipped", equalTo((int) deadLetters - 1)).body("done", equalTo((int) deadLetters))
                .body("total", equalTo((int) deadLetters)));

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/alerts/1", project).then()
                .statusCode(200).body("incident_iid", equalTo((int) iid)).body("status", equalTo("acknowledged")));
    }

    @Test
    void aBinaryModeEventIsDeadLetteredAndReplayedAsItCame_headersIncluded() throws Exception {
        long project = newProject();
        String key = Long.toString(project);
        String id = CloudEvents.newId();
        CloudEventsSdk.forSharedBroker().send("alerts", key, CloudEventsSdk.event(id, "alert.updated", Map.of("project_id", project,
                "alert_iid", 1, "title", "Disk full", "status", "triggered", "updated_at", "2026-11-21T10:00:00Z", "incident_iid", 1)),
                Encoding.BINARY);
        // As bytes: the replay must send the value back unchanged.
        ConsumerRecord<String, byte[]> deadLetter = KafkaRecords.awaitFirst(kafka.consume(String.class, byte[].class), "alerts.dlq", WAIT,
                r -> key.equals(r.key()));
        assertEquals(id, header(deadLetter, "ce_id"));
        assertEquals("alert.updated", header(deadLetter, "ce_type"));
        assertEquals("application/json", header(deadLetter, "content-type"));
        assertEquals("Disk full", JSON.readTree(deadLetter.value()).get("title").asText(), "the value is the data alone, as sent");

        createIncident(project);
        int job = given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/admin/dead-letters/alerts/replay").then().statusCode(202).extract().path("id");
        await().atMost(WAIT).untilAsserted(() -> given().auth().basic("admin", "test-admin").get("/admin/jobs/{id}", job).then()
                .statusCode(200).body("state", equalTo("done")).body("replayed", equalTo(1)));

        ConsumerRecord<String, byte[]> replayed = KafkaRecords.awaitFirst(kafka.consume(String.class, byte[].class), "alerts", WAIT,
                r -> key.equals(r.key()) && header(r, "replayed-from") != null);
        for (String header : List.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type")) {
            assertEquals(header(deadLetter, header), header(replayed, header), header);
        }
        assertArrayEquals(deadLetter.value(), replayed.value());
        assertNull(header(replayed, "dead-letter-reason"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/alerts/1", project).then()
                .statusCode(200).body("title", equalTo("Disk full")).body("incident_iid", equalTo(1)));
    }

    @Test
    void onlyAdminsReplay_andOnlyTopicsTheServiceConsumes() {
        given().contentType(ContentType.JSON).body("{}").post("/admin/dead-letters/alerts/replay").then().statusCode(401);
        given().auth().basic("viewer", "test-viewer").contentType(ContentType.JSON).body("{}").post("/admin/dead-letters/alerts/replay")
                .then().statusCode(403);
        given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body("{}").post("/admin/dead-letters/deploys/replay")
                .then().statusCode(404).body("error", equalTo("this service does not consume topic 'deploys'; it consumes alerts"));
        given().auth().basic("admin", "test-admin").contentType(ContentType.JSON).body(Map.of("from_offset", 5, "to_offset", 2))
                .post("/admin/dead-letters/alerts/replay").then().statusCode(400);
    }
}
