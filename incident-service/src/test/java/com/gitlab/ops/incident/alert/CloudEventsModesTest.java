package com.gitlab.ops.incident.alert;

import static com.gitlab.ops.incident.IncidentServiceTestSupport.WAIT;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.awaitAlert;
import static com.gitlab.ops.incident.IncidentServiceTestSupport.newProject;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.CloudEventsSdk;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.PrometheusText;
import com.gitlab.ops.testing.UnleashServerResource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Alerts as a producer using the official CloudEvents SDK sends them, in both content modes, and
 * the service's own events as the SDK reads them. The binding's invalid cases are in BadEventsTest.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class CloudEventsModesTest {

    private final CloudEventsSdk sdk = CloudEventsSdk.forSharedBroker();

    @Test
    void alertsSerializedByTheSdkApplyInEitherMode() {
        long project = newProject();
        String key = Long.toString(project);
        sdk.send("alerts", key, CloudEventsSdk.event(CloudEvents.newId(), "alert.updated", alert(project, 1, "Binary", "10:00")), Encoding.BINARY);
        sdk.send("alerts", key, CloudEventsSdk.event(CloudEvents.newId(), "alert.updated", alert(project, 2, "Structured", "10:00")),
                Encoding.STRUCTURED);
        sdk.sendWithDefaults("alerts", key, CloudEventsSdk.eventWithoutContentType(CloudEvents.newId(), "alert.updated",
                alert(project, 3, "SDK defaults", "10:00")));

        assertEquals("Binary", awaitAlert(project, 1).getString("title"));
        assertEquals("Structured", awaitAlert(project, 2).getString("title"));
        assertEquals("SDK defaults", awaitAlert(project, 3).getString("title"));
    }

    @Test
    void anEventIdSentInBothModesAppliesOnce() {
        long project = newProject();
        String id = CloudEvents.newId();
        double applied = consumed("applied");
        double duplicates = consumed("duplicate");
        sdk.send("alerts", Long.toString(project), CloudEventsSdk.event(id, "alert.updated", alert(project, 1, "First", "10:00")),
                Encoding.STRUCTURED);
        assertEquals("First", awaitAlert(project, 1).getString("title"));

        // Newer, so it would change the alert if it were applied: the id alone must stop it.
        sdk.send("alerts", Long.toString(project), CloudEventsSdk.event(id, "alert.updated", alert(project, 1, "Second", "11:00")),
                Encoding.BINARY);
        await().atMost(WAIT).until(() -> consumed("duplicate") == duplicates + 1);
        assertEquals(applied + 1, consumed("applied"));
        assertEquals("First", awaitAlert(project, 1).getString("title"));
    }

    @Test
    void escalationStatusEventsAreReadByTheSdksDeserializer() {
        long project = newProject();
        Map<String, Object> data = alert(project, 1, "Checkout is down", "10:00");
        data.put("status", "acknowledged");
        data.put("create_incident", true);
        sdk.send("alerts", Long.toString(project), CloudEventsSdk.event(CloudEvents.newId(), "alert.updated", data), Encoding.BINARY);

        CloudEvent event = sdk.awaitEvent("incident-escalations", WAIT, r -> r.key().equals(Long.toString(project)));
        JsonNode changed = CloudEventsSdk.publishedData(event, "incident.escalation_status.changed", "/gitlab/incident-service");
        assertEquals(project, changed.get("project_id").asLong());
        assertEquals("acknowledged", changed.get("status").asText());
        assertEquals("alert_sync", changed.get("reason").asText());
    }

    private static Map<String, Object> alert(long project, long iid, String title, String time) {
        return new HashMap<>(Map.of("project_id", project, "alert_iid", iid, "title", title, "status", "triggered",
                "updated_at", "2026-11-21T" + time + ":00Z"));
    }

    private static double consumed(String outcome) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "events_consumed_total{outcome=\"" + outcome + "\",topic=\"alerts\"}");
    }
}
