package com.gitlab.ops.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.testing.BadEventGenerator;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** More than 1,000 malformed events mixed into good traffic: each bad one dead-lettered with a reason, each good one applied. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class BadEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode envelope(String type, Map<String, ?> data) {
        ObjectNode event = JSON.createObjectNode().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                .put("source", "/tests").put("type", type).put("time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        event.set("data", JSON.valueToTree(data));
        return event;
    }

    @Test
    void alerts() throws Exception {
        assertEveryBadOneDeadLetteredAndEveryGoodOneApplied(new BadEventGenerator(KafkaBroker.shared().bootstrapServers(), "alerts",
                i -> envelope("alert.updated", Map.of("project_id", 880_000 + i % 50, "alert_iid", 1 + i, "title", "Alert " + i,
                        "status", "triggered", "updated_at", OffsetDateTime.now(ZoneOffset.UTC).toString())),
                List.of("project_id", "alert_iid", "title", "status", "updated_at"),
                Map.of("status", "\"exploded\"", "severity", "\"catastrophic\"", "escalation_policy_id", "999999999",
                        "incident_iid", "999999999", "alert_iid", "-5", "project_id", "0", "updated_at", "\"yesterday\"",
                        "create_incident", "\"yes\"")));
    }

    void assertEveryBadOneDeadLetteredAndEveryGoodOneApplied(BadEventGenerator generator) throws Exception {
        BadEventGenerator.Report report = generator.run(1_000, Duration.ofSeconds(120));
        assertTrue(report.badSent() >= 1_000, "sent " + report.badSent());
        assertEquals(report.badSent(), report.reasons().size());
        report.reasons().forEach((key, reason) -> assertTrue(reason != null && !reason.isBlank(), key + " has no reason"));
        for (String id : report.goodIds()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().basic("admin", "test-admin")
                    .get("/admin/inbox/{id}", id).then().statusCode(200));
        }
    }
}
