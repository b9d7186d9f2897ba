package com.gitlab.ops.incident;

import static io.restassured.RestAssured.given;

import com.gitlab.ops.testing.BadEventGenerator;
import com.gitlab.ops.testing.CloudEvents;
import com.gitlab.ops.testing.ImportServiceResource;
import com.gitlab.ops.testing.KafkaBrokerResource;
import com.gitlab.ops.testing.PostgresDatabaseResource;
import com.gitlab.ops.testing.UnleashServerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** More than 1,000 malformed events mixed into good traffic: each bad one dead-lettered with a reason, each good one applied. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "alerts,alerts.dlq"))
@WithTestResource(ImportServiceResource.class)
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "incident"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "incident_escalations"))
class BadEventsTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Test
    void alerts() throws Exception {
        new BadEventGenerator(kafka, "alerts",
                i -> CloudEvents.envelopeNode("alert.updated", Map.of("project_id", 880_000 + i % 50, "alert_iid", 1 + i, "title", "Alert " + i,
                        "status", "triggered", "updated_at", OffsetDateTime.now(ZoneOffset.UTC).toString())),
                List.of("project_id", "alert_iid", "title", "status", "updated_at"),
                Map.of("status", "\"exploded\"", "severity", "\"catastrophic\"", "escalation_policy_id", "999999999",
                        "incident_iid", "999999999", "alert_iid", "-5", "project_id", "0", "updated_at", "\"yesterday\"",
                        "create_incident", "\"yes\"")).countedAt(() -> given().get("/q/metrics").asString())
                .run(1_000, Duration.ofSeconds(120))
                .assertComplete(id -> given().auth().basic("admin", "test-admin").get("/admin/inbox/{id}", id).statusCode() == 200);
    }
}
