package com.gitlab.ops.imports;

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
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "topics", value = "imports,imports.dlq,import-events"))
@WithTestResource(value = PostgresDatabaseResource.class, initArgs = @ResourceArg(name = "purpose", value = "import"))
@WithTestResource(value = UnleashServerResource.class, initArgs = @ResourceArg(name = "flags", value = "importer_preallocate_iids"))
class BadEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode envelope(String type, Map<String, ?> data) {
        ObjectNode event = JSON.createObjectNode().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                .put("source", "/tests").put("type", type).put("time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        event.set("data", JSON.valueToTree(data));
        return event;
    }

    @Test
    void imports() throws Exception {
        assertEveryBadOneDeadLetteredAndEveryGoodOneApplied(new BadEventGenerator(KafkaBroker.shared().bootstrapServers(), "imports",
                i -> envelope("import.started", Map.of("project_id", 770_000 + i, "project_path", "group/p" + i, "importer", "github",
                        "user_id", 1, "max_iids", Map.of("issues", 5))),
                List.of("project_id", "project_path", "importer", "user_id", "max_iids"),
                Map.of("importer", "\"svn\"", "max_iids", "[1,2]", "user_id", "0", "project_id", "-3")));
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
